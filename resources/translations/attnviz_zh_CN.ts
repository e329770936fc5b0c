<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ExamplesMenu</name>
    <message>
        <source>Toy model (seeded)</source>
        <translation>玩具模型（带种子）</translation>
    </message>
</context>
<context>
    <name>Gradient</name>
    <message>
        <source>Viridis</source>
        <translation>Viridis（蓝绿黄）</translation>
    </message>
    <message>
        <source>Cividis</source>
        <translation>Cividis（色盲友好）</translation>
    </message>
    <message>
        <source>Magma</source>
        <translation>Magma（黑红黄）</translation>
    </message>
    <message>
        <source>Blues</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <source>Greys</source>
        <translation>灰色</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>Target text</source>
        <translation>目标文本</translation>
    </message>
    <message>
        <source>Source text</source>
        <translation>源文本</translation>
    </message>
    <message>
        <source>What does &quot;it&quot; attend to? (Vaswani et al.&apos;s coreference example)</source>
        <translation>“it”关注的是谁？（Vaswani 等人的指代消解示例）</translation>
    </message>
    <message>
        <source>One word, two meanings</source>
        <translation>一词两义</translation>
    </message>
    <message>
        <source>我爱自然语言处理 (I love natural language processing)</source>
        <translation>我爱自然语言处理</translation>
    </message>
    <message>
        <source>今天天气很好，我们去公园散步吧。</source>
        <translation>今天天气很好，我们去公园散步吧。</translation>
    </message>
    <message>
        <source>A short sentence for a single head</source>
        <translation>单头注意力的短句</translation>
    </message>
    <message>
        <source>Translation pair: 我爱你 → I love you</source>
        <translation>翻译对：我爱你 → I love you</translation>
    </message>
    <message>
        <source>Translation pair: French → English</source>
        <translation>翻译对：法语 → 英语</translation>
    </message>
    <message>
        <source>Translation pair: English → 中文</source>
        <translation>翻译对：英语 → 中文</translation>
    </message>
    <message>
        <source>%1 is empty: type at least one word</source>
        <translation>%1为空：请至少输入一个词</translation>
    </message>
    <message>
        <source>%1 has %2 tokens; at most %3 are allowed</source>
        <translation>%1有 %2 个词元；最多允许 %3 个</translation>
    </message>
    <message>
        <source>%1 heads do not divide d_model = %2; head counts that do: %3</source>
        <translation>%1 个头不能整除 d_model = %2；可整除的头数：%3</translation>
    </message>
    <message>
        <source>d_model must be between 1 and %1, not %2</source>
        <translation>d_model 必须在 1 到 %1 之间，而不是 %2</translation>
    </message>
    <message>
        <source>the number of heads must be between 1 and %1, not %2</source>
        <translation>头数必须在 1 到 %1 之间，而不是 %2</translation>
    </message>
    <message>
        <source>the temperature must be a finite number greater than 0, not %1</source>
        <translation>温度必须是大于 0 的有限数，而不是 %1</translation>
    </message>
    <message>
        <source>%1 × %2 tokens with %3 heads would need %4 GB for scores and weights (at most 2.1 GB): use fewer tokens or fewer heads</source>
        <translation>%1 × %2 个词元、%3 个头的分数和权重需要 %4 GB（最多 2.1 GB）：请减少词元或头数</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Cannot export into %1: it is not a folder</source>
        <translation>无法导出到 %1：它不是文件夹</translation>
    </message>
    <message>
        <source>Cannot write %1: a folder of that name exists</source>
        <translation>无法写入 %1：已有同名文件夹</translation>
    </message>
    <message>
        <source>Cannot export %1: %2 × %3 pixels is too large (at most %4 per side)</source>
        <translation>无法导出 %1：%2 × %3 像素太大（每边最多 %4）</translation>
    </message>
    <message>
        <source>Attention weights exported from attnviz</source>
        <translation>由 attnviz 导出的注意力权重</translation>
    </message>
    <message>
        <source>Nothing to export yet.</source>
        <translation>还没有可导出的内容。</translation>
    </message>
    <message>
        <source>Cannot export to %1: the name must end in .png, .jpg, .svg or .pdf</source>
        <translation>无法导出到 %1：文件名必须以 .png、.jpg、.svg 或 .pdf 结尾</translation>
    </message>
    <message>
        <source>&quot;%1&quot; should be %2</source>
        <translation>“%1”应为 %2</translation>
    </message>
    <message>
        <source>it is not valid JSON (%1 at byte %2)</source>
        <translation>它不是有效的 JSON（第 %2 字节处：%1）</translation>
    </message>
    <message>
        <source>it is not an attnviz session</source>
        <translation>它不是 attnviz 会话文件</translation>
    </message>
    <message>
        <source>it was saved by a newer attnviz (format version %1; this one reads version %2 and older)</source>
        <translation>它由更新版本的 attnviz 保存（格式版本 %1；本程序只能读取版本 %2 及更早的版本）</translation>
    </message>
    <message>
        <source>its format version is missing or invalid</source>
        <translation>其格式版本缺失或无效</translation>
    </message>
    <message>
        <source>self, multihead or cross</source>
        <translation>self、multihead 或 cross</translation>
    </message>
    <message>
        <source>&quot;seed&quot; should be a whole number</source>
        <translation>“seed”应为整数</translation>
    </message>
    <message>
        <source>scaled_dot, dot, additive, general or cosine</source>
        <translation>scaled_dot、dot、additive、general 或 cosine</translation>
    </message>
    <message>
        <source>&quot;gradient&quot; should be one of %1</source>
        <translation>“gradient”应为以下之一：%1</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>Cannot export trace.json: it would hold %1 million numbers (about %2 MB); at most %3 million are written. Lower d_model, the heads or the number of tokens.</source>
        <translation>无法导出 trace.json：它将包含 %1 百万个数（约 %2 MB），最多只写 %3 百万个。请减小 d_model、头数或词元数。</translation>
    </message>
    <message>
        <source>at %1 MB it is too large for a session (at most %2 MB)</source>
        <translation>%1 MB，作为会话文件太大（最多 %2 MB）</translation>
    </message>
    <message>
        <source>it holds more than %1 MB, too large for a session</source>
        <translation>内容超过 %1 MB，作为会话文件太大</translation>
    </message>
    <message>
        <source>it is empty</source>
        <translation>文件是空的</translation>
    </message>
    <message>
        <source>&quot;temperature&quot; should be a number greater than 0, from %1 to %2</source>
        <translation>“temperature”应为大于 0 的数，范围 %1 到 %2</translation>
    </message>
    <message>
        <source>toy (seeded random weights)</source>
        <translation>玩具模型（带种子的随机权重）</translation>
    </message>
    <message>
        <source>%1 G</source>
        <translation>%1 G</translation>
    </message>
    <message>
        <source>%1 M</source>
        <translation>%1 M</translation>
    </message>
    <message>
        <source>%1 k</source>
        <translation>%1 k</translation>
    </message>
    <message>
        <source>all, a_to_a, b_to_b, a_to_b or b_to_a</source>
        <translation>all、a_to_a、b_to_b、a_to_b 或 b_to_a</translation>
    </message>
    <message>
        <source>&quot;path&quot; of &quot;model&quot; should name a model folder or file</source>
        <translation>“model”中的“path”应为模型文件夹或文件</translation>
    </message>
    <message>
        <source>whole numbers from 0 to %1</source>
        <translation>0 到 %1 的整数</translation>
    </message>
    <message>
        <source>&quot;hidden_keys&quot; should be a list of %1</source>
        <translation>“hidden_keys” 应为由%1组成的列表</translation>
    </message>
    <message>
        <source>&quot;hidden_cells&quot; should be a list of [query, key] pairs of %1</source>
        <translation>“hidden_cells” 应为由%1组成的 [查询, 键] 对列表</translation>
    </message>
    <message>
        <source>&quot;hidden_cells&quot; spans more than %1 cells</source>
        <translation>“hidden_cells” 覆盖的单元格超过 %1 个</translation>
    </message>
    <message>
        <source>none, causal, padding or custom</source>
        <translation>none、causal、padding 或 custom</translation>
    </message>
</context>
<context>
    <name>attn::ui::ColorBar</name>
    <message>
        <source>attention weight</source>
        <translation>注意力权重</translation>
    </message>
</context>
<context>
    <name>attn::ui::ExportImageDialog</name>
    <message>
        <source>Export image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <source>Every head (the grid)</source>
        <translation>所有头（网格）</translation>
    </message>
    <message>
        <source>The focused head</source>
        <translation>当前聚焦的头</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>显示(&amp;S)：</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>&amp;Layout size:</source>
        <translation>布局尺寸(&amp;L)：</translation>
    </message>
    <message>
        <source>S&amp;cale:</source>
        <translation>缩放(&amp;C)：</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>PNG and JPEG: %1 × %2 pixels. SVG and PDF: vector, %3 × %4.</source>
        <translation>PNG 和 JPEG：%1 × %2 像素。SVG 和 PDF：矢量，%3 × %4。</translation>
    </message>
</context>
<context>
    <name>attn::ui::HeatmapPanel</name>
    <message>
        <source>%1 · query &apos;%2&apos; → key &apos;%3&apos;: %4</source>
        <translation>%1 · 查询“%2” → 键“%3”：%4</translation>
    </message>
</context>
<context>
    <name>attn::ui::HeatmapView</name>
    <message>
        <source>queries (target)</source>
        <translation>查询（目标）</translation>
    </message>
    <message>
        <source>queries</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>keys (source)</source>
        <translation>键（源）</translation>
    </message>
    <message>
        <source>keys</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>Mean of %1 heads</source>
        <translation>%1 个头的平均</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>H%1</source>
        <translation>头%1</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>shown large</source>
        <translation>已放大显示</translation>
    </message>
</context>
<context>
    <name>attn::ui::LineView</name>
    <message>
        <source>Heads shown:</source>
        <translation>显示的头：</translation>
    </message>
    <message>
        <source>Line opacity is the weight. Point at a token to see only its lines.</source>
        <translation>连线的不透明度即权重。指向一个词元，只显示它的连线。</translation>
    </message>
    <message>
        <source>Show head %1&apos;s lines</source>
        <translation>显示第 %1 个头的连线</translation>
    </message>
</context>
<context>
    <name>attn::ui::MainWindow</name>
    <message>
        <source>attnviz — attention, head by head</source>
        <translation>attnviz — 逐头查看注意力</translation>
    </message>
    <message>
        <source>Input and settings</source>
        <translation>输入与设置</translation>
    </message>
    <message>
        <source>&amp;Heatmaps</source>
        <translation>热力图(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Pipeline (step by step)</source>
        <translation>计算流程（逐步）(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Lines</source>
        <translation>连线(&amp;L)</translation>
    </message>
    <message>
        <source>Interface language: %1</source>
        <translation>界面语言：%1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open session…</source>
        <translation>打开会话(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save session</source>
        <translation>保存会话(&amp;S)</translation>
    </message>
    <message>
        <source>Save session &amp;as…</source>
        <translation>会话另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export image…</source>
        <translation>导出图像(&amp;E)…</translation>
    </message>
    <message>
        <source>Export &amp;data (CSV, JSON)…</source>
        <translation>导出数据（CSV、JSON）(&amp;D)…</translation>
    </message>
    <message>
        <source>Export &amp;line view…</source>
        <translation>导出连线图(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Copy image</source>
        <translation>复制图像(&amp;C)</translation>
    </message>
    <message>
        <source>Copies the figure; in a text field Ctrl+C copies the selected text</source>
        <translation>复制图像；在文本框中 Ctrl+C 复制选中的文字</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Colour &amp;scale</source>
        <translation>色阶(&amp;S)</translation>
    </message>
    <message>
        <source>Show &amp;values in cells</source>
        <translation>在格子中显示数值(&amp;V)</translation>
    </message>
    <message>
        <source>Colour scale from 0 to &amp;1</source>
        <translation>色阶从 0 到 1(&amp;1)</translation>
    </message>
    <message>
        <source>Otherwise the scale runs from 0 to the largest weight shown</source>
        <translation>否则色阶从 0 到所显示的最大权重</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Larger text</source>
        <translation>放大文字(&amp;L)</translation>
    </message>
    <message>
        <source>S&amp;maller text</source>
        <translation>缩小文字(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Normal text size</source>
        <translation>正常文字大小(&amp;N)</translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation>语言(&amp;G)</translation>
    </message>
    <message>
        <source>E&amp;xamples</source>
        <translation>示例(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About attnviz</source>
        <translation>关于 attnviz(&amp;A)</translation>
    </message>
    <message>
        <source>About attnviz</source>
        <translation>关于 attnviz</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;attnviz&lt;/b&gt; %1 shows every attention head&apos;s weights for the sentences you type.&lt;/p&gt;&lt;p&gt;Rows are queries, columns are keys. Click a panel to focus it, a token label to outline its row or column.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;attnviz&lt;/b&gt; %1 为你输入的句子显示每个注意力头的权重。&lt;/p&gt;&lt;p&gt;行是查询，列是键。点击一个面板可聚焦它，点击词元标签可标出它的行或列。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 query × %2 key tokens · %3 head(s), d_k = %4 · computed in %5 ms</source>
        <translation>%1 个查询 × %2 个键词元 · %3 个头，d_k = %4 · 用时 %5 毫秒</translation>
    </message>
    <message>
        <source>Presentation mode: F11 to leave, Ctrl+= / Ctrl+− for text size</source>
        <translation>演示模式：按 F11 退出，Ctrl+= / Ctrl+− 调整文字大小</translation>
    </message>
    <message>
        <source>Nothing to export yet.</source>
        <translation>还没有可导出的内容。</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Export line view</source>
        <translation>导出连线图</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.svg *.pdf)</source>
        <translation>图像 (*.png *.jpg *.svg *.pdf)</translation>
    </message>
    <message>
        <source>Not updated: %1 The heatmaps show the last good input.</source>
        <translation>未更新：%1 热力图显示的是上一次有效的输入。</translation>
    </message>
    <message>
        <source>Nothing to show: %1</source>
        <translation>无可显示内容：%1</translation>
    </message>
    <message>
        <source>Exported %1 files into %2</source>
        <translation>已将 %1 个文件导出到 %2</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>JPEG image (*.jpg *.jpeg)</source>
        <translation>JPEG 图像 (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Export image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <source>Export data into folder</source>
        <translation>导出数据到文件夹</translation>
    </message>
    <message>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <source>Copied a %1 × %2 image</source>
        <translation>已复制 %1 × %2 的图像</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>attnviz sessions (*.attnviz)</source>
        <translation>attnviz 会话 (*.attnviz)</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>attnviz — %1</source>
        <translation>attnviz — %1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop opening the model; the model in use stays</source>
        <translation>停止打开模型；当前使用的模型保持不变</translation>
    </message>
    <message>
        <source>Rollout follows attention back through the layers of one sequence&apos;s self-attention; this input has none (cross attention only).</source>
        <translation>注意力展开（rollout）沿着同一序列的自注意力逐层回溯；此输入没有自注意力（只有交叉注意力）。</translation>
    </message>
    <message>
        <source>&amp;Model (layers × heads)</source>
        <translation>模型（层 × 头）(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Rollout</source>
        <translation>注意力展开(&amp;R)</translation>
    </message>
    <message>
        <source>Every layer&apos;s heads at a glance: hover for the strongest query → key, click to show that layer and head in the other tabs</source>
        <translation>一眼看到每一层的所有头：悬停显示最强的查询 → 键，点击即可在其他标签页中显示该层和该头</translation>
    </message>
    <message>
        <source>Attention rollout (Abnar &amp; Zuidema 2020): per layer the heads&apos; mean plus the identity, rows renormalised, multiplied through the layers up to the chosen one</source>
        <translation>注意力展开（Abnar 与 Zuidema，2020）：每层取各头的平均加上单位矩阵，按行重新归一化，再逐层相乘直到所选的层</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Recent m&amp;odels</source>
        <translation>最近的模型(&amp;O)</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>Stopped opening the model; the model in use stays.</source>
        <translation>已停止打开模型；当前使用的模型保持不变。</translation>
    </message>
    <message>
        <source>Could not open the model %1: %2</source>
        <translation>无法打开模型 %1：%2</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Opened %1 in %2 s</source>
        <translation>已打开 %1，用时 %2 秒</translation>
    </message>
    <message>
        <source>Open model: a Hugging Face folder&apos;s config.json, or a llama2.c .bin</source>
        <translation>打开模型：Hugging Face 文件夹中的 config.json，或 llama2.c 的 .bin 文件</translation>
    </message>
    <message>
        <source>Models (config.json *.safetensors *.bin);;All files (*)</source>
        <translation>模型 (config.json *.safetensors *.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Rollout through layer %1</source>
        <translation>展开至第 %1 层</translation>
    </message>
    <message>
        <source>Translating…</source>
        <translation>正在翻译…</translation>
    </message>
    <message>
        <source>Not translated: %1</source>
        <translation>未翻译：%1</translation>
    </message>
    <message>
        <source>Translation stopped; the target holds what was made.</source>
        <translation>翻译已停止；目标框保留已生成的部分。</translation>
    </message>
    <message>
        <source>Translated: the heatmaps show its cross-attention.</source>
        <translation>已翻译：热力图显示它的交叉注意力。</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>A long input is being computed; typing goes on, and the newest text is computed next</source>
        <translation>正在计算较长的输入；可以继续输入，接下来计算最新的文本</translation>
    </message>
</context>
<context>
    <name>attn::ui::ModelBox</name>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder or a llama2.c .bin file</source>
        <translation>打开 Hugging Face 模型文件夹或 llama2.c 的 .bin 文件</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Toy model (seeded)</source>
        <translation>玩具模型（带种子）</translation>
    </message>
    <message>
        <source>Random weights from the seed below: the settings choose its shape</source>
        <translation>由下方种子生成的随机权重：形状由设置决定</translation>
    </message>
    <message>
        <source>Seeded random weights: a class sees how attention is computed, not what a trained model learned.</source>
        <translation>带种子的随机权重：课堂上看到的是注意力如何计算，而不是训练好的模型学到了什么。</translation>
    </message>
    <message>
        <source>Family: %1</source>
        <translation>模型族：%1</translation>
    </message>
    <message>
        <source>%1 layers × %2 heads</source>
        <translation>%1 层 × %2 个头</translation>
    </message>
    <message>
        <source> (%1 key/value heads)</source>
        <translation>（%1 个键/值头）</translation>
    </message>
    <message>
        <source>d_model %1 (head width %2)</source>
        <translation>d_model %1（每头宽度 %2）</translation>
    </message>
    <message>
        <source>Vocabulary: %1 tokens · context %2</source>
        <translation>词表：%1 个词元 · 上下文 %2</translation>
    </message>
    <message>
        <source>%1 parameters · %2 · %3 MB on disk</source>
        <translation>%1 个参数 · %2 · 磁盘上 %3 MB</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
</context>
<context>
    <name>attn::ui::ModelGridView</name>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>Decoder %1 ⇄</source>
        <translation>解码器 %1 ⇄</translation>
    </message>
    <message>
        <source>Decoder %1</source>
        <translation>解码器 %1</translation>
    </message>
    <message>
        <source>Encoder %1</source>
        <translation>编码器 %1</translation>
    </message>
    <message>
        <source>%1 · head %2</source>
        <translation>%1 · 第 %2 个头</translation>
    </message>
    <message>
        <source> (shares key/value head %1)</source>
        <translation>（共用第 %1 个键/值头）</translation>
    </message>
    <message>
        <source>strongest: “%1” → “%2” (%3)</source>
        <translation>最强：“%1” → “%2”（%3）</translation>
    </message>
    <message>
        <source>The model view shows every layer&apos;s heads once a text is computed.</source>
        <translation>计算出文本后，模型视图会显示每一层的所有头。</translation>
    </message>
</context>
<context>
    <name>attn::ui::PipelineView</name>
    <message>
        <source>&amp;Head:</source>
        <translation>头(&amp;H)：</translation>
    </message>
    <message>
        <source>Follow &amp;query:</source>
        <translation>跟踪查询(&amp;Q)：</translation>
    </message>
    <message>
        <source>◀ &amp;Previous</source>
        <translation>◀ 上一步(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Next ▶</source>
        <translation>下一步(&amp;N) ▶</translation>
    </message>
    <message>
        <source>Show &amp;all</source>
        <translation>全部显示(&amp;A)</translation>
    </message>
    <message>
        <source>Hide the last stage (Left, Page Up)</source>
        <translation>隐藏最后一步（左方向键、Page Up）</translation>
    </message>
    <message>
        <source>Reveal the next stage (Right, Page Down, Space)</source>
        <translation>显示下一步（右方向键、Page Down、空格）</translation>
    </message>
    <message>
        <source>Choose a query token above, or click a row label, to follow its row from dot products to weights.</source>
        <translation>在上方选择一个查询词元，或点击行标签，即可从点积一路跟踪到权重。</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>X (target)</source>
        <translation>X（目标）</translation>
    </message>
    <message>
        <source>X</source>
        <translation>X</translation>
    </message>
    <message>
        <source>X (source)</source>
        <translation>X（源）</translation>
    </message>
    <message>
        <source>Q = X·W_Q</source>
        <translation>Q = X·W_Q</translation>
    </message>
    <message>
        <source>K = X_source·W_K</source>
        <translation>K = X_源·W_K</translation>
    </message>
    <message>
        <source>K = X·W_K</source>
        <translation>K = X·W_K</translation>
    </message>
    <message>
        <source>V = X_source·W_V</source>
        <translation>V = X_源·W_V</translation>
    </message>
    <message>
        <source>V = X·W_V</source>
        <translation>V = X·W_V</translation>
    </message>
    <message>
        <source>Q·Kᵀ</source>
        <translation>Q·Kᵀ</translation>
    </message>
    <message>
        <source>÷ √d_k</source>
        <translation>÷ √d_k</translation>
    </message>
    <message>
        <source>tanh(q·W₁ + k·W₂)·vᵀ</source>
        <translation>tanh(q·W₁ + k·W₂)·vᵀ</translation>
    </message>
    <message>
        <source>Q·W·Kᵀ</source>
        <translation>Q·W·Kᵀ</translation>
    </message>
    <message>
        <source>÷ (‖q‖·‖k‖)</source>
        <translation>÷ (‖q‖·‖k‖)</translation>
    </message>
    <message>
        <source>÷ temperature</source>
        <translation>÷ 温度</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source>softmax</source>
        <translation>softmax</translation>
    </message>
    <message>
        <source>weights·V</source>
        <translation>权重·V</translation>
    </message>
    <message>
        <source>concat of all heads</source>
        <translation>拼接所有头</translation>
    </message>
    <message>
        <source>·W_O = output</source>
        <translation>·W_O = 输出</translation>
    </message>
    <message>
        <source>token vectors + positions</source>
        <translation>词向量 + 位置编码</translation>
    </message>
    <message>
        <source>token vectors</source>
        <translation>词向量</translation>
    </message>
    <message>
        <source>columns %1–%2 of W</source>
        <translation>W 的第 %1–%2 列</translation>
    </message>
    <message>
        <source>one dot product per query and key</source>
        <translation>每对查询与键一个点积</translation>
    </message>
    <message>
        <source>√%1 = %2</source>
        <translation>√%1 = %2</translation>
    </message>
    <message>
        <source>score function: %1</source>
        <translation>打分函数：%1</translation>
    </message>
    <message>
        <source>T = %1</source>
        <translation>T = %1</translation>
    </message>
    <message>
        <source>causal: −∞ above the diagonal</source>
        <translation>因果掩码：对角线以上为 −∞</translation>
    </message>
    <message>
        <source>no mask</source>
        <translation>无掩码</translation>
    </message>
    <message>
        <source>each row sums to 1</source>
        <translation>每行之和为 1</translation>
    </message>
    <message>
        <source>this head&apos;s output</source>
        <translation>这个头的输出</translation>
    </message>
    <message>
        <source>%1 heads side by side</source>
        <translation>%1 个头并排</translation>
    </message>
    <message>
        <source>the layer&apos;s output</source>
        <translation>这一层的输出</translation>
    </message>
    <message>
        <source>%1 × %2 · %3</source>
        <translation>%1 × %2 · %3</translation>
    </message>
    <message>
        <source>Stage %1 of %2: %3</source>
        <translation>第 %1 步，共 %2 步：%3</translation>
    </message>
    <message>
        <source>padding: −∞ for keys %1</source>
        <translation>填充：键 %1 设为 −∞</translation>
    </message>
    <message numerus="yes">
        <source>custom: −∞ in %n cell(s)</source>
        <translation>
            <numerusform>自定义：%n 个单元格设为 −∞</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>attn::ui::RangeLegend</name>
    <message>
        <source>Colours run from %1 (left) to %2 (right)</source>
        <translation>颜色从 %1（左）到 %2（右）</translation>
    </message>
</context>
<context>
    <name>attn::ui::SettingsPanel</name>
    <message>
        <source>Type a sentence…</source>
        <translation>输入一个句子…</translation>
    </message>
    <message>
        <source>The other sentence, for cross attention</source>
        <translation>另一个句子，用于交叉注意力</translation>
    </message>
    <message>
        <source>&amp;Source:</source>
        <translation>源(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>目标(&amp;T)：</translation>
    </message>
    <message>
        <source>Self (one head)</source>
        <translation>自注意力（单头）</translation>
    </message>
    <message>
        <source>Multi-head</source>
        <translation>多头</translation>
    </message>
    <message>
        <source>Cross (target → source)</source>
        <translation>交叉（目标 → 源）</translation>
    </message>
    <message>
        <source>&amp;Mode:</source>
        <translation>模式(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Heads:</source>
        <translation>头数(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;d_model:</source>
        <translation>&amp;d_model：</translation>
    </message>
    <message>
        <source>S&amp;eed:</source>
        <translation>随机种子(&amp;E)：</translation>
    </message>
    <message>
        <source>Scaled dot product  q·k/√d_k</source>
        <translation>缩放点积  q·k/√d_k</translation>
    </message>
    <message>
        <source>Dot product  q·k</source>
        <translation>点积  q·k</translation>
    </message>
    <message>
        <source>Additive (Bahdanau)</source>
        <translation>加性（Bahdanau）</translation>
    </message>
    <message>
        <source>General  q·W·k (Luong)</source>
        <translation>一般式  q·W·k（Luong）</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>Sc&amp;ore:</source>
        <translation>打分(&amp;O)：</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Causal (no peeking ahead)</source>
        <translation>因果（不能看后面）</translation>
    </message>
    <message>
        <source>M&amp;ask:</source>
        <translation>掩码(&amp;A)：</translation>
    </message>
    <message>
        <source>Tem&amp;perature:</source>
        <translation>温度(&amp;P)：</translation>
    </message>
    <message>
        <source>Add &amp;positional encoding</source>
        <translation>加入位置编码(&amp;P)</translation>
    </message>
    <message>
        <source>Self mode uses one head with d_k = d_model = %1.</source>
        <translation>自注意力模式使用一个头，d_k = d_model = %1。</translation>
    </message>
    <message>
        <source>%1 heads do not divide d_model = %2, so %3 are used. Only counts that divide d_model are offered.</source>
        <translation>%1 个头不能整除 d_model = %2，因此使用 %3 个头。只提供能整除 d_model 的头数。</translation>
    </message>
    <message>
        <source>Only counts that divide d_model (%1) are offered; d_k = %2.</source>
        <translation>只提供能整除 d_model（%1）的头数；d_k = %2。</translation>
    </message>
    <message>
        <source>Sentence B (optional)</source>
        <translation>句子 B（可选）</translation>
    </message>
    <message>
        <source>%1 has its own heads, widths, positions and masks: these settings belong to the toy model.</source>
        <translation>%1 有自己的注意力头、宽度、位置编码和掩码：这些设置只属于玩具模型。</translation>
    </message>
    <message>
        <source>Tr&amp;anslate</source>
        <translation>翻译(&amp;A)</translation>
    </message>
    <message>
        <source>Translates the source greedily, token by token, into the target box (Stop ends it; what was made so far stays)</source>
        <translation>用贪心解码逐个词元把源句翻译到目标框中（“停止”可结束翻译，已生成的部分保留）</translation>
    </message>
    <message>
        <source>The translation: type it, or Translate</source>
        <translation>译文：直接输入，或点击“翻译”</translation>
    </message>
    <message>
        <source>St&amp;op translating</source>
        <translation>停止翻译(&amp;O)</translation>
    </message>
    <message>
        <source>Mode: self or multi-head shows the encoder&apos;s self-attention over the source, cross shows which source tokens each target token looks at.</source>
        <translation>模式：自注意力或多头显示编码器在源句上的自注意力，交叉注意力显示每个目标词元关注哪些源词元。</translation>
    </message>
    <message>
        <source>Padding (click key labels)</source>
        <translation>填充（点击键标签）</translation>
    </message>
    <message>
        <source>Custom (click cells)</source>
        <translation>自定义（点击单元格）</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>全部显示</translation>
    </message>
    <message>
        <source>Shows every hidden key and cell again</source>
        <translation>重新显示所有被隐藏的键和单元格</translation>
    </message>
    <message>
        <source>Click a key label under a heatmap to hide that key from every query.</source>
        <translation>点击热图下方的键标签，可对所有查询隐藏该键。</translation>
    </message>
    <message>
        <source>Hidden keys: %1. Click a key label to hide or show it.</source>
        <translation>已隐藏的键：%1。点击键标签可隐藏或显示它。</translation>
    </message>
    <message numerus="yes">
        <source>%n cell(s) hidden. Click a cell of the large heatmap to hide or show it, or a key label for its whole column.</source>
        <translation>
            <numerusform>已隐藏 %n 个单元格。点击大热图中的单元格可隐藏或显示它，点击键标签则作用于整列。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>attn::ui::ViewBar</name>
    <message>
        <source>The layer the Heatmaps, Lines, Pipeline and Rollout tabs show (PageUp / PageDown)</source>
        <translation>热力图、连线、流程和注意力展开标签页所显示的层（PageUp / PageDown）</translation>
    </message>
    <message>
        <source>&amp;Words</source>
        <translation>按词(&amp;W)</translation>
    </message>
    <message>
        <source>Attention between typed words instead of the model&apos;s pieces: a word&apos;s key pieces are summed, its query pieces averaged</source>
        <translation>显示输入的词之间的注意力，而不是模型的子词：一个词的各个键子词相加，各个查询子词取平均</translation>
    </message>
    <message>
        <source>Hide &amp;special tokens</source>
        <translation>隐藏特殊词元(&amp;S)</translation>
    </message>
    <message>
        <source>Leaves out the rows and columns of tokens the model adds itself ([CLS], [SEP], BOS); rows then no longer sum to 1</source>
        <translation>去掉模型自己添加的词元（[CLS]、[SEP]、BOS）的行和列；此时各行之和不再为 1</translation>
    </message>
    <message>
        <source>Colours without &amp;first token</source>
        <translation>颜色不计第一个词元(&amp;F)</translation>
    </message>
    <message>
        <source>The colour scale ignores the first key column, where many heads park their weight (the &quot;attention sink&quot;), so the rest of the pattern shows</source>
        <translation>颜色刻度忽略第一个键列——许多头把权重都放在那里（“注意力汇聚点”）——这样其余的模式才能看清</translation>
    </message>
    <message>
        <source>All sentences</source>
        <translation>所有句子</translation>
    </message>
    <message>
        <source>A → A</source>
        <translation>A → A</translation>
    </message>
    <message>
        <source>B → B</source>
        <translation>B → B</translation>
    </message>
    <message>
        <source>A → B</source>
        <translation>A → B</translation>
    </message>
    <message>
        <source>B → A</source>
        <translation>B → A</translation>
    </message>
    <message>
        <source>For a sentence pair: which sentence&apos;s tokens ask (queries, first) and which answer (keys)</source>
        <translation>对句子对：哪个句子的词元提问（查询，在前），哪个句子的词元回答（键）</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>共 %1 层</translation>
    </message>
    <message>
        <source>Mark s&amp;trongest key</source>
        <translation>标出最强的键(&amp;T)</translation>
    </message>
    <message>
        <source>Outlines each query row&apos;s strongest key; in cross attention, each target token&apos;s strongest source token (an alignment)</source>
        <translation>为每一行查询框出最强的键；在交叉注意力中，即每个目标词元最关注的源词元（一种对齐）</translation>
    </message>
</context>
</TS>
