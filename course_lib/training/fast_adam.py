"""The fused Adam speed path: Keras Adam's update by TensorFlow's one-pass ApplyAdam kernel.

Keras 3 spells Adam as about ten element-wise ops per variable, each a full pass over memory;
TensorFlow's fused `ResourceApplyAdam` does it in one pass, which saves about a sixth of a
Pix2Pix step (docs/PERFORMANCE.md). The kernel must update the optimizer's own moment slots,
which Keras keeps behind private attributes. So the path is taken only when

* `fusable_adam`: the optimizer computes exactly what the kernel computes (a plain Adam), and
* `adam_slots_reachable`: the private attributes are there and lead to each variable's slots,

both checked once, when a trainer is compiled. Otherwise the trainer uses the public
`optimizer.apply_gradients`: slower, never broken.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf

# The Keras-private names the fused path reads (Keras 3.15): not public API, so they may change.
PRIVATE_ATTRIBUTES = ("_get_variable_index", "_momentums", "_velocities")


def fusable_adam(optimizer: keras.optimizers.Optimizer, variables: Sequence) -> bool:
    """Whether TF's fused ApplyAdam kernel computes exactly `optimizer`'s update of `variables`.

    True for a plain `keras.optimizers.Adam` (a subclass may change the update) on float32
    variables without constraints, and none of the extras the kernel knows nothing about:
    AMSGrad, weight decay, gradient clipping, EMA, loss scaling, gradient accumulation.
    """
    return (type(optimizer) is keras.optimizers.Adam and not optimizer.amsgrad
            and optimizer.weight_decay is None and optimizer.clipnorm is None
            and optimizer.clipvalue is None and optimizer.global_clipnorm is None
            and not optimizer.use_ema and optimizer.loss_scale_factor is None
            and optimizer.gradient_accumulation_steps is None
            and all(v.dtype == "float32" and v.constraint is None for v in variables))


def adam_slots_reachable(optimizer: keras.optimizers.Optimizer, variables: Sequence) -> bool:
    """Whether `apply_adam_fused` can find the moment slots of every one of `variables`.

    Call after `optimizer.build(variables)`. True when the optimizer has all of
    `PRIVATE_ATTRIBUTES`, `_get_variable_index(var)` indexes `_momentums` and `_velocities`, and
    each slot is a variable of `var`'s shape with a TensorFlow resource handle (as is `var`).
    Any missing piece (a renamed attribute in another Keras, an unbuilt optimizer, another
    backend) gives False instead of an error.
    """
    try:
        index, momentums, velocities = (getattr(optimizer, name) for name in PRIVATE_ATTRIBUTES)
        for var in variables:
            slot = index(var)
            for moment in (momentums[slot], velocities[slot]):
                if tuple(moment.shape) != tuple(var.shape) or moment.handle is None:
                    return False
            if var.handle is None:
                return False
    except (AttributeError, IndexError, KeyError, TypeError):
        return False
    return True


def apply_adam_fused(optimizer: keras.optimizers.Adam, grads: Sequence,
                     variables: Sequence) -> None:
    """Keras Adam's update, computed by `ResourceApplyAdam` on the optimizer's own moment
    slots, then the optimizer's step counter advanced (as `apply_gradients` does).

    The kernel evaluates Keras' formula: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
    w -= alpha m / (sqrt(v) + eps) with alpha = lr sqrt(1 - b2^t) / (1 - b1^t). The one
    difference is rounding: the kernel forms 1 - b in float32 where Keras rounds the float64
    value (for b2 = 0.999 the two differ by 1.3e-5 relative, so each step's size differs by
    about 6e-6 relative), far below what the numerics tests can see.

    Reads Keras-private attributes (`_get_variable_index`, `_momentums`, `_velocities`): call it
    only for an optimizer `adam_slots_reachable` accepted.
    """
    lr = tf.cast(optimizer.learning_rate, tf.float32)
    t = tf.cast(optimizer.iterations + 1, tf.float32)
    beta_1 = tf.constant(optimizer.beta_1, tf.float32)
    beta_2 = tf.constant(optimizer.beta_2, tf.float32)
    epsilon = tf.constant(optimizer.epsilon, tf.float32)
    beta_1_power, beta_2_power = tf.pow(beta_1, t), tf.pow(beta_2, t)
    for grad, var in zip(grads, variables):
        slot = optimizer._get_variable_index(var)  # where Keras keeps this variable's moments
        tf.raw_ops.ResourceApplyAdam(
            var=var.handle, m=optimizer._momentums[slot].handle,
            v=optimizer._velocities[slot].handle, beta1_power=beta_1_power,
            beta2_power=beta_2_power, lr=lr, beta1=beta_1, beta2=beta_2, epsilon=epsilon,
            grad=grad)
    optimizer.iterations.assign_add(1)

