#pragma once

#include <memory>

#include "attn/config.h"
#include "attn/expected.h"
#include "attn/trace.h"

namespace attn {

/// A model the app can look inside: a Scenario in, a Trace (or an Error naming the bad input)
/// out; the seeded ToyModel and real checkpoints behind the same interface. Held by a
/// shared_ptr, a model puts itself into the traces it makes (Trace::made_by), so that views can
/// ask it for a block's intermediates later.
class AttentionModel : public std::enable_shared_from_this<AttentionModel> {
 public:
  virtual ~AttentionModel() = default;
  /// A pure function of `scenario`: the same input gives the same Trace. Thread-safe.
  virtual Expected<Trace> run(const Scenario& scenario) const = 0;
  /// The same as run(scenario), up to float rounding (1e-5), made cheaper by reusing what
  /// `previous` (an earlier run of this model) computed for the tokens both share at the
  /// start: as a person types at the end, a decoder computes only the new tokens' rows.
  virtual Expected<Trace> run_after(const Scenario& scenario, const Trace& previous) const {
    (void)previous;
    return run(scenario);
  }
  /// Every intermediate of block `block` of `trace` (which this model made), computed by the
  /// same code that made its weights. Thread-safe.
  virtual Expected<BlockDetail> explain(const Trace& trace, int block) const = 0;
  /// The model card.
  virtual ModelInfo info() const = 0;

 protected:
  /// This model as a shared_ptr, or null when it is not owned by one.
  std::shared_ptr<const AttentionModel> self() const { return weak_from_this().lock(); }
};

/// The intermediates of `block` from the model that made `trace`; an Error when the block does
/// not exist or the model is unknown.
Expected<BlockDetail> explain_block(const Trace& trace, int block);

}  // namespace attn
