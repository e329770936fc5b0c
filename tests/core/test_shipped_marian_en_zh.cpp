// The shipped marian-en-zh translator (resources/models/marian-en-zh, trained by
// scripts/train/train_marian_en_zh.py) still translates and aligns, on sentences written here
// from combinations its training never used (verb with place, subject with time): greedy
// translations exact for ≥ 95 %, and the argmax of the chosen decoder layer's cross-attention
// (mean over heads) on the gold-aligned English word for ≥ 90 % of Chinese words, each counted
// at the row that predicts its first character (row t of the teacher-forced trace, whose input
// is the start token, then the characters before, predicts character t). A model that loses
// either fails the build.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "attn/models/model_loader.h"
#include "attn/models/shipped_models.h"
#include "attn/trace_views.h"

namespace attn {
namespace {

const std::string kFolder = std::string(ATTN_MODELS_DIR) + "/marian-en-zh";

// Characters (code points) in UTF-8 text.
std::size_t utf8_length(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// A Chinese word and the English words (0-based, "." counts) its argmax may fall on: its own
// word, or for a place or time phrase (在家 ← "at home", 每天 ← "every day") any of the phrase.
struct Aligned {
  std::string word;
  std::vector<int> english;
};

struct Case {
  std::string english;
  std::string chinese;
  std::vector<Aligned> words;  // in order, 。 left out (punctuation, not a word)
};

const std::vector<Case> kCases = {
    {"I eat rice at home.",
     "我在家吃米饭。",
     {{"我", {0}}, {"在", {3, 4}}, {"家", {3, 4}}, {"吃", {1}}, {"米饭", {2}}}},
    {"You eat noodles at home every day.",
     "你每天在家吃面条。",
     {{"你", {0}},
      {"每", {5, 6}},
      {"天", {5, 6}},
      {"在", {3, 4}},
      {"家", {3, 4}},
      {"吃", {1}},
      {"面条", {2}}}},
    {"They read books at school.",
     "他们在学校读书。",
     {{"他们", {0}}, {"在", {3, 4}}, {"学校", {3, 4}}, {"读", {1}}, {"书", {2}}}},
    {"He reads letters at school today.",
     "他今天在学校读信。",
     {{"他", {0}}, {"今天", {5}}, {"在", {3, 4}}, {"学校", {3, 4}}, {"读", {1}}, {"信", {2}}}},
    {"We drink tea in town.",
     "我们在城里喝茶。",
     {{"我们", {0}}, {"在", {3, 4}}, {"城里", {3, 4}}, {"喝", {1}}, {"茶", {2}}}},
    {"Children drink water in town at night.",
     "孩子晚上在城里喝水。",
     {{"孩子", {0}}, {"晚上", {5, 6}}, {"在", {3, 4}}, {"城里", {3, 4}}, {"喝", {1}}, {"水", {2}}}},
    {"She likes music in class.",
     "她在课上喜欢音乐。",
     {{"她", {0}}, {"在", {3, 4}}, {"课上", {3, 4}}, {"喜欢", {1}}, {"音乐", {2}}}},
    {"Teachers like flowers in class tomorrow.",
     "老师明天在课上喜欢花。",
     {{"老师", {0}}, {"明天", {5}}, {"在", {3, 4}}, {"课上", {3, 4}}, {"喜欢", {1}}, {"花", {2}}}},
    {"I buy apples at home.",
     "我在家买苹果。",
     {{"我", {0}}, {"在", {3, 4}}, {"家", {3, 4}}, {"买", {1}}, {"苹果", {2}}}},
    {"She buys bread at home tomorrow.",
     "她明天在家买面包。",
     {{"她", {0}}, {"明天", {5}}, {"在", {3, 4}}, {"家", {3, 4}}, {"买", {1}}, {"面包", {2}}}},
    {"Students cook fish at school.",
     "学生在学校做鱼。",
     {{"学生", {0}}, {"在", {3, 4}}, {"学校", {3, 4}}, {"做", {1}}, {"鱼", {2}}}},
    {"He cooks noodles at school every day.",
     "他每天在学校做面条。",
     {{"他", {0}},
      {"每", {5, 6}},
      {"天", {5, 6}},
      {"在", {3, 4}},
      {"学校", {3, 4}},
      {"做", {1}},
      {"面条", {2}}}},
    {"She drinks milk tomorrow.",
     "她明天喝牛奶。",
     {{"她", {0}}, {"明天", {3}}, {"喝", {1}}, {"牛奶", {2}}}},
    {"We read new books every day.",
     "我们每天读新书。",
     {{"我们", {0}}, {"每", {4, 5}}, {"天", {4, 5}}, {"读", {1}}, {"新", {2}}, {"书", {3}}}},
    {"Students write letters today.",
     "学生今天写信。",
     {{"学生", {0}}, {"今天", {3}}, {"写", {1}}, {"信", {2}}}},
    {"She does not eat fish at home.",
     "她在家不吃鱼。",
     {{"她", {0}}, {"在", {5, 6}}, {"家", {5, 6}}, {"不", {2}}, {"吃", {3}}, {"鱼", {4}}}},
    {"They do not drink tea in town.",
     "他们在城里不喝茶。",
     {{"他们", {0}}, {"在", {5, 6}}, {"城里", {5, 6}}, {"不", {2}}, {"喝", {3}}, {"茶", {4}}}},
    {"We do not read newspapers at school.",
     "我们在学校不读报纸。",
     {{"我们", {0}}, {"在", {5, 6}}, {"学校", {5, 6}}, {"不", {2}}, {"读", {3}}, {"报纸", {4}}}},
    {"You like hot tea in class.",
     "你在课上喜欢热茶。",
     {{"你", {0}}, {"在", {4, 5}}, {"课上", {4, 5}}, {"喜欢", {1}}, {"热", {2}}, {"茶", {3}}}},
    {"I cook good rice at school tomorrow.",
     "我明天在学校做好米饭。",
     {{"我", {0}},
      {"明天", {6}},
      {"在", {4, 5}},
      {"学校", {4, 5}},
      {"做", {1}},
      {"好", {2}},
      {"米饭", {3}}}},
    {"We eat red apples at home.",
     "我们在家吃红苹果。",
     {{"我们", {0}}, {"在", {4, 5}}, {"家", {4, 5}}, {"吃", {1}}, {"红", {2}}, {"苹果", {3}}}},
    {"Children buy flowers at home at night.",
     "孩子晚上在家买花。",
     {{"孩子", {0}}, {"晚上", {5, 6}}, {"在", {3, 4}}, {"家", {3, 4}}, {"买", {1}}, {"花", {2}}}},
};

TEST(ShippedMarianEnZh, TranslatesHeldOutSentencesExactly) {
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(kFolder);
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_TRUE(model.value()->translates());
  int exact = 0;
  for (const Case& c : kCases) {
    Expected<Translation> made = model.value()->translate(c.english);
    ASSERT_TRUE(made.ok()) << made.error().message;
    EXPECT_TRUE(made->finished) << c.english;
    if (made->text == c.chinese)
      ++exact;
    else
      std::printf("not exact: %s → %s (expected %s)\n", c.english.c_str(), made->text.c_str(),
                  c.chinese.c_str());
  }
  EXPECT_GE(double(exact) / double(kCases.size()), 0.95);
}

TEST(ShippedMarianEnZh, TheChosenLayersCrossAttentionAlignsTheWords) {
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(kFolder);
  ASSERT_TRUE(model.ok()) << model.error().message;
  Expected<ShippedModel> card = read_shipped_model(kFolder);
  ASSERT_TRUE(card.ok()) << card.error().message;
  EXPECT_EQ(card->focus_head, -1);  // the layer's mean over heads
  int agree = 0;
  int total = 0;
  for (const Case& c : kCases) {
    Scenario scenario;
    scenario.config.mode = Mode::Cross;
    scenario.source = c.english;
    scenario.target = c.chinese;
    Expected<Trace> trace = model.value()->run(scenario);
    ASSERT_TRUE(trace.ok()) << trace.error().message;
    const int block = block_for_layer(*trace, card->focus_layer);
    ASSERT_GE(block, 0);
    const AttentionBlock& cross = trace->blocks[std::size_t(block)];
    ASSERT_EQ(cross.kind, BlockKind::Cross);
    const Matrix mean = mean_weights(cross);
    // Rows: the start token and one per character; columns: one per English word and </s>.
    ASSERT_EQ(mean.rows(), Eigen::Index(utf8_length(c.chinese)) + 1) << c.chinese;
    // Each word once, at the row that predicts its first character (row t predicts
    // character t); the words follow each other, 。 comes last.
    Eigen::Index t = 0;
    for (const Aligned& word : c.words) {
      Eigen::Index best = 0;
      mean.row(t).maxCoeff(&best);
      const bool hit =
          std::find(word.english.begin(), word.english.end(), int(best)) != word.english.end();
      agree += hit ? 1 : 0;
      ++total;
      if (!hit) std::printf("not aligned: %s in %s\n", word.word.c_str(), c.chinese.c_str());
      t += Eigen::Index(utf8_length(word.word));
    }
  }
  EXPECT_GE(double(agree) / double(total), 0.9) << agree << " of " << total << " words";
}

}  // namespace
}  // namespace attn
