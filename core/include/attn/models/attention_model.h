#pragma once

#include "attn/config.h"
#include "attn/expected.h"
#include "attn/trace.h"

namespace attn {

/// A model the app can look inside: a Scenario in, a Trace (or an Error naming the bad input)
/// out. Today the seeded ToyModel; later real checkpoints behind the same interface.
class AttentionModel {
 public:
  virtual ~AttentionModel() = default;
  /// A pure function of `scenario`: the same input gives the same Trace. Thread-safe.
  virtual Expected<Trace> run(const Scenario& scenario) const = 0;
};

}  // namespace attn
