// Exports as a teacher makes them for slides: images of a chosen size, vector files with real
// text, data files whose rows sum to 1, and failures that leave earlier files alone.
#include <gtest/gtest.h>

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "attn_ui/data_export.h"
#include "attn_ui/figure_export.h"
#include "attn_ui/heatmap_view.h"
#include "toy_run.h"
#include "ui_test_support.h"

namespace {

using attn::test::type_source;
using attn::test::WindowFixture;
using attn::ui::FigurePart;
using attn::ui::ImageExportOptions;

QByteArray read_all(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

struct ExportFixture : WindowFixture {
  QTemporaryDir out;
  ExportFixture() {
    window->loadExample(QStringLiteral("love-zh-en"));
    attn::test::settle(*window);
  }
  QString path(const QString& name) const { return out.filePath(name); }
};

TEST(Export, PngAndJpegHaveTheRequestedPixelSize) {
  ExportFixture f;
  ImageExportOptions options{FigurePart::Grid, QSize(800, 600), 2.0};
  ASSERT_TRUE(f.window->exportImage(f.path("grid.png"), options).ok);
  EXPECT_EQ(QImageReader(f.path("grid.png")).size(), QSize(1600, 1200));
  options = {FigurePart::Focused, QSize(640, 480), 3.0};
  ASSERT_TRUE(f.window->exportImage(f.path("focused.jpg"), options).ok);
  EXPECT_EQ(QImageReader(f.path("focused.jpg")).size(), QSize(1920, 1440));
  EXPECT_EQ(QImageReader(f.path("focused.jpg")).format(), QByteArray("jpeg"));
}

TEST(Export, PngShowsTheHeatmapColours) {
  ExportFixture f;
  const QImage image = attn::ui::render_figure_image(*f.window->heatmapView(),
                                                     {FigurePart::Focused, QSize(500, 400), 1});
  ASSERT_EQ(image.size(), QSize(500, 400));
  // Count saturated pixels: heatmap cells, not background or text.
  int coloured = 0;
  for (int y = 0; y < image.height(); y += 4)
    for (int x = 0; x < image.width(); x += 4) {
      const QColor c = image.pixelColor(x, y);
      if (c.saturation() > 120) ++coloured;
    }
  EXPECT_GT(coloured, 500);  // a good share of the figure is heatmap cells
}

TEST(Export, SvgIsVectorWithTheTokenLabelsAsText) {
  ExportFixture f;
  ASSERT_TRUE(f.window->exportImage(f.path("grid.svg"), {FigurePart::Grid, QSize(900, 700), 1}).ok);
  const QString svg = QString::fromUtf8(read_all(f.path("grid.svg")));
  EXPECT_TRUE(svg.startsWith(QStringLiteral("<?xml")));
  EXPECT_TRUE(svg.contains(QStringLiteral("<svg")));
  for (const QString& label :
       {QStringLiteral(">love<"), QStringLiteral(">you<"), QStringLiteral(">我<"),
        QStringLiteral(">爱<"), QStringLiteral(">Head 1<"), QStringLiteral(">attention weight<")})
    EXPECT_TRUE(svg.contains(label)) << label.toStdString();
  EXPECT_TRUE(svg.contains(QStringLiteral("viewBox=\"0 0 900 700\"")));
}

TEST(Export, PdfStartsWithPdfMagic) {
  ExportFixture f;
  ASSERT_TRUE(
      f.window->exportImage(f.path("head.pdf"), {FigurePart::Focused, QSize(600, 500), 1}).ok);
  const QByteArray pdf = read_all(f.path("head.pdf"));
  EXPECT_TRUE(pdf.startsWith("%PDF-"));
  EXPECT_TRUE(pdf.trimmed().endsWith("%%EOF"));
  // One page of the requested size in points (Qt writes "600.000000").
  EXPECT_TRUE(QString::fromLatin1(pdf).contains(
      QRegularExpression(QStringLiteral(R"(/MediaBox \[0 0 600(\.0+)? 500(\.0+)?\])"))));
}

TEST(Export, CsvPerHeadHasTokenLabelsAndRowsThatSumToOne) {
  ExportFixture f;
  ASSERT_TRUE(f.window->exportData(f.out.path()).ok);
  const attn::testing::ToyRun trace = attn::testing::flatten(*f.window->heatmapView()->trace());
  QStringList names;
  for (int h = 1; h <= trace.heads; ++h) names << QStringLiteral("head_%1.csv").arg(h);
  names << QStringLiteral("mean.csv");
  for (const QString& name : names) {
    const QStringList lines =
        QString::fromUtf8(read_all(f.path(name))).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 1 + trace.n_q()) << name.toStdString();
    EXPECT_EQ(lines[0], QStringLiteral("query \\ key,我,爱,你"));
    for (int r = 1; r < lines.size(); ++r) {
      const QStringList cells = lines[r].split(QLatin1Char(','));
      ASSERT_EQ(cells.size(), 1 + trace.n_k());
      double sum = 0;
      for (int c = 1; c < cells.size(); ++c) sum += cells[c].toDouble();
      EXPECT_NEAR(sum, 1.0, 1e-5) << name.toStdString() << " row " << r;
    }
    EXPECT_TRUE(lines[1].startsWith(QStringLiteral("I,")));
  }
  const QByteArray json = read_all(f.path("trace.json"));
  EXPECT_TRUE(json.startsWith("{\"format\":\"attnviz-trace\""));
  QJsonParseError error;
  const QJsonObject root = QJsonDocument::fromJson(json, &error).object();
  ASSERT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString();
  const QJsonArray heads = root.value(QStringLiteral("heads")).toArray();
  ASSERT_EQ(heads.size(), trace.heads);
  const QJsonArray weights = heads[1].toObject().value(QStringLiteral("weights")).toArray();
  ASSERT_EQ(weights.size(), trace.n_q());
  EXPECT_FLOAT_EQ(float(weights[2].toArray()[1].toDouble()), trace.head[1].weights(2, 1));
  EXPECT_EQ(root.value(QStringLiteral("tokens"))
                .toObject()
                .value(QStringLiteral("key"))
                .toArray()
                .at(0)
                .toString(),
            QStringLiteral("我"));
  EXPECT_EQ(root.value(QStringLiteral("w_o")).toArray().size(), trace.scenario.config.d_model);
}

TEST(Export, AFailedExportSaysWhyAndLeavesTheEarlierFileIntact) {
  ExportFixture f;
  const QString target = f.path("slide.png");
  ASSERT_TRUE(f.window->exportImage(target, {FigurePart::Grid, QSize(400, 300), 1}).ok);
  const QByteArray before = read_all(target);

  const attn::ui::ExportOutcome too_large =
      f.window->exportImage(target, {FigurePart::Grid, QSize(8000, 8000), 4});
  EXPECT_FALSE(too_large.ok);
  EXPECT_TRUE(too_large.message.contains(QStringLiteral("too large")))
      << too_large.message.toStdString();
  EXPECT_EQ(read_all(target), before);
  EXPECT_EQ(QDir(f.out.path()).entryList(QDir::Files), QStringList{"slide.png"});  // no leftovers

  const QString nowhere = f.path("no-such-folder/slide.png");
  const attn::ui::ExportOutcome missing =
      f.window->exportImage(nowhere, {FigurePart::Grid, QSize(400, 300), 1});
  EXPECT_FALSE(missing.ok);
  EXPECT_TRUE(missing.message.contains(QDir::toNativeSeparators(nowhere)));

  const attn::ui::ExportOutcome wrong_suffix =
      f.window->exportImage(f.path("slide.bmp"), {FigurePart::Grid, QSize(400, 300), 1});
  EXPECT_FALSE(wrong_suffix.ok);
  EXPECT_TRUE(wrong_suffix.message.contains(QStringLiteral(".png")));

  const attn::ui::ExportOutcome data_into_file = f.window->exportData(target);
  EXPECT_FALSE(data_into_file.ok);
  EXPECT_TRUE(data_into_file.message.contains(QStringLiteral("not a folder")));
  EXPECT_EQ(read_all(target), before);
}

// The window's Export data refuses a trace.json over the bound before writing anything.
TEST(Export, DataOverTheJsonBoundIsRefusedNamingItsSize) {
  attn::Trace trace;  // only the settings and shapes are read: nothing is computed
  trace.scenario.config.heads = 64;
  trace.scenario.config.d_model = 4096;
  trace.source_tokens.resize(1);
  attn::AttentionBlock block;
  block.head.assign(64, attn::HeadWeights{attn::Matrix::Zero(1, 1), attn::Matrix::Zero(1, 1)});
  trace.blocks.push_back(block);
  QTemporaryDir dir;
  const attn::ui::ExportOutcome outcome = attn::ui::export_trace_data(trace, dir.path());
  EXPECT_FALSE(outcome.ok);
  EXPECT_TRUE(outcome.message.startsWith(QStringLiteral(
      "Cannot export trace.json: it would hold 67.1 million numbers (about 940 MB); at most 16 "
      "million")))
      << outcome.message.toStdString();
  EXPECT_TRUE(QDir(dir.path()).isEmpty());
}

TEST(Export, CopyImagePutsTheFigureOnTheClipboard) {
  ExportFixture f;
  QApplication::clipboard()->clear();
  f.window->copyImage();
  const QImage copied = QApplication::clipboard()->image();
  ASSERT_FALSE(copied.isNull());
  const QSize shown = f.window->heatmapView()->partSize(FigurePart::Grid);
  EXPECT_EQ(copied.size(), shown * 2);
}

}  // namespace
