"""The GPT-2 layout gpt2-induction is trained in: exactly what attnviz computes for a
model_type gpt2 checkpoint (pre-LayerNorm, gelu_new, learned positions, tied embeddings,
causal), with nn.Linear weights exported transposed as GPT-2's Conv1D [in, out]."""
import torch
from torch import nn

N_LAYER, N_HEAD, N_EMBD, N_POSITIONS = 2, 2, 64, 256
TOKEN_NORM = 0.5  # every token vector starts this long (positions: 0.5 too)
COPY_SCALE = 0.1


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(0.7978845608028654 * (x + 0.044715 * x.pow(3))))


# Debian's torch multiplies matrices with the reference BLAS, several times slower than its
# oneDNN convolutions on one thread. So while training, every matrix product is computed as a
# 1×1 convolution (dilation 2 only makes torch choose oneDNN; a 1×1 kernel has nothing to
# dilate): the same products, summed in another order. Measurements run with FAST off.
FAST = False


def linear(x, layer):
    """x @ layer.weight.T + layer.bias, x: b × n × in."""
    if not FAST:
        return layer(x)
    b, n, d = x.shape
    return matmul_weight(x.reshape(b * n, d), layer.weight, layer.bias).reshape(b, n, -1)


def matmul_weight(x, weight, bias=None):
    """x @ weight.T (+ bias), x: m × in, weight: out × in."""
    if not FAST:
        return nn.functional.linear(x, weight, bias)
    y = nn.functional.conv2d(x.T[None, :, :, None], weight[:, :, None, None], bias, dilation=2)
    return y[0, :, :, 0].T


def bmm(a, b):
    """a @ b over the leading dimensions: a: ... × m × k, b: ... × k × p."""
    if not FAST:
        return a @ b
    lead, (m, k), p = a.shape[:-2], a.shape[-2:], b.shape[-1]
    g = a[..., 0, 0].numel()
    x = a.reshape(g, m, k).transpose(1, 2).reshape(1, g * k, m, 1)
    w = b.reshape(g, k, p).transpose(1, 2).reshape(g * p, k, 1, 1)
    y = nn.functional.conv2d(x, w, groups=g, dilation=2)  # 1 × g·p × m × 1
    return y.reshape(g, p, m).transpose(1, 2).reshape(*lead, m, p)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.c_attn = nn.Linear(N_EMBD, 3 * N_EMBD)
        self.c_proj = nn.Linear(N_EMBD, N_EMBD)
        self.ln_2 = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.c_fc = nn.Linear(N_EMBD, 4 * N_EMBD)
        self.mlp_proj = nn.Linear(4 * N_EMBD, N_EMBD)

    def forward(self, x, mask):  # x: b × n × d
        b, n, d = x.shape
        q, k, v = linear(self.ln_1(x), self.c_attn).split(d, dim=2)
        split = lambda t: t.reshape(b, n, N_HEAD, d // N_HEAD).transpose(1, 2)  # noqa: E731
        q, k, v = split(q), split(k), split(v)
        scores = bmm(q, k.transpose(-1, -2)) / (d // N_HEAD) ** 0.5
        weights = scores.masked_fill(mask[:n, :n], float("-inf")).softmax(-1)
        out = bmm(weights, v).transpose(1, 2).reshape(b, n, d)
        x = x + linear(out, self.c_proj)
        x = x + linear(gelu_new(linear(self.ln_2(x), self.c_fc)), self.mlp_proj)
        return x, weights


class Gpt2(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, N_EMBD)
        self.wpe = nn.Embedding(N_POSITIONS, N_EMBD)
        self.h = nn.ModuleList(Block() for _ in range(N_LAYER))
        self.ln_f = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.register_buffer("mask", torch.ones(N_POSITIONS, N_POSITIONS).triu(1).bool())
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)
            elif name.endswith(".bias") and "ln_" not in name:
                nn.init.zeros_(p)  # as GPT-2 starts; torch's default would add a constant
                # vector (norm ≈ 0.6, longer than a token's) to every position
        self.start_layout()

    # The start (only the start: every weight is trained from here). Tokens and positions
    # begin in separate halves of the residual stream, each vector of one length, so that
    # LayerNorm scales every position alike; positions are sinusoids (Vaswani et al. 2017), so
    # "the token before" is a fixed rotation away and a previous-token head can be learnt by a
    # linear map. No head starts as a previous-token or induction head.
    def start_layout(self):
        half = N_EMBD // 2
        with torch.no_grad():
            token = torch.randn(self.wte.weight.shape[0], half)
            self.wte.weight.zero_()
            self.wte.weight[:, :half] = TOKEN_NORM * token / token.norm(dim=1, keepdim=True)
            self.wpe.weight.zero_()
            position = torch.arange(N_POSITIONS).unsqueeze(1)
            self.wpe.weight[:, half::2] = torch.sin(position * self.rates()) / 8
            self.wpe.weight[:, half + 1::2] = torch.cos(position * self.rates()) / 8

    @staticmethod
    def rates():
        """The sinusoids' frequencies, one a pair of the position half: 1 down to 1/10^4."""
        half = N_EMBD // 2
        return torch.exp(torch.arange(0, half, 2) * (-torch.log(torch.tensor(1e4)) / half))

    def start_copy_head(self, layer=1, head=0, copy=COPY_SCALE):
        """Layer `layer`'s head `head` starts with a value that reads the token half and an
        output that writes it back unturned (times `copy`), so whatever it attends to raises
        that token's logit; its query and key, where it looks, start random."""
        half, d, d_head = N_EMBD // 2, N_EMBD, N_EMBD // N_HEAD
        w, o = self.h[layer].c_attn.weight, self.h[layer].c_proj.weight
        n = min(d_head, half)
        with torch.no_grad():
            v0 = 2 * d + head * d_head
            w[v0:v0 + d_head].zero_()
            w[v0:v0 + n, :n] = torch.eye(n)
            o[:, head * d_head:(head + 1) * d_head].zero_()
            o[:n, head * d_head:head * d_head + n] = copy * torch.eye(n)

    def forward(self, ids, keep=None):  # ids: b × n
        """Logits over the whole vocabulary, or (training) only over the ids in `keep`."""
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        attention = []
        for block in self.h:
            x, weights = block(x, self.mask)
            attention.append(weights)
        rows = self.wte.weight if keep is None else self.wte.weight[keep]
        h = self.ln_f(x)
        return matmul_weight(h.reshape(-1, N_EMBD), rows).reshape(*h.shape[:2], -1), attention

    def hf_tensors(self):
        t = {"wte.weight": self.wte.weight, "wpe.weight": self.wpe.weight}
        for i, b in enumerate(self.h):
            p = f"h.{i}."
            t[p + "ln_1.weight"], t[p + "ln_1.bias"] = b.ln_1.weight, b.ln_1.bias
            t[p + "attn.c_attn.weight"], t[p + "attn.c_attn.bias"] = b.c_attn.weight.T, b.c_attn.bias
            t[p + "attn.c_proj.weight"], t[p + "attn.c_proj.bias"] = b.c_proj.weight.T, b.c_proj.bias
            t[p + "ln_2.weight"], t[p + "ln_2.bias"] = b.ln_2.weight, b.ln_2.bias
            t[p + "mlp.c_fc.weight"], t[p + "mlp.c_fc.bias"] = b.c_fc.weight.T, b.c_fc.bias
            t[p + "mlp.c_proj.weight"], t[p + "mlp.c_proj.bias"] = b.mlp_proj.weight.T, b.mlp_proj.bias
        t["ln_f.weight"], t["ln_f.bias"] = self.ln_f.weight, self.ln_f.bias
        return t
