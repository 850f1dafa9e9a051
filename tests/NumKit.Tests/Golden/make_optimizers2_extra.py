#!/usr/bin/env python3
"""Makes optimizers2-extra.json: more configurations of the second-round catalog than the shared
golden file's one case per type (weight decay, Nesterov, warmup, step bounds, rank 0/1/2/3 tensors,
Prodigy's options, Lookahead over Adam, Sgd and Lamb), in the format of optimizers2.json (README.md).

Run with Debian's PyTorch 1.13 and numpy (apt-get install python3-torch python3-numpy):

    /usr/bin/python3 tests/NumKit.Tests/Golden/make_optimizers2_extra.py > tests/NumKit.Tests/Golden/optimizers2-extra.json

Rprop, ASGD and Lookahead's inner Adam and SGD are PyTorch 1.13's own torch.optim classes. Lamb,
Lars (optax), Adafactor (torch.optim.Adafactor of PyTorch main, newer than 1.13), Prodigy
(prodigyopt) and ScheduleFreeAdamW (schedulefree) are not installed here: each is transcribed
below, line for line, from the source named in its case's `reference`, as torch tensor operations,
so the float32 and float64 runs round as the source's own operations do. Every run is
deterministic (fixed numpy seeds); hyperparameters are rounded to float32 before both runs.
"""

import json
import math
import sys

import numpy as np
import torch

STEPS = 25


def f32(x):
    return float(np.float32(x))


# ---------------------------------------------------------------- inputs

BASE_SHAPES = [("W1", [7, 5]), ("b1", [5]), ("W2", [3, 7]), ("b2", [3]), ("Z", [4, 3])]
RANK_SHAPES = [("s", []), ("v", [6]), ("M", [5, 4]), ("R", [1, 6]), ("T", [2, 3, 4]), ("Z", [3, 2])]


def size(shape):
    return int(np.prod(shape)) if shape else 1


def inputs(seed, shapes, steady=0.0, flips=False):
    """w0 and grads[t], flat, float32 values. Tensor "Z" starts at 0; "b2" has no gradient on steps 1-3.
    steady adds a fixed gradient component (so Prodigy's d grows); flips makes the sign of every
    third element alternate step to step (so Rprop shrinks its steps)."""
    rng = np.random.RandomState(seed)
    parts, names = [], []
    for name, shape in shapes:
        n = size(shape)
        w = rng.uniform(-1, 1, n) if name != "Z" else np.zeros(n)
        parts.append(w)
        names += [name] * n
    w0 = np.concatenate(parts).astype(np.float32)
    n = w0.size
    direction = rng.uniform(-1, 1, n)
    grads = []
    for t in range(STEPS):
        g = rng.normal(0, 1, n) * 0.5 + steady * direction
        if flips:
            g[::3] = np.abs(g[::3]) * (1 if t % 2 == 0 else -1)
        for i, name in enumerate(names):
            if name == "b2" and t < 3:
                g[i] = 0.0
        grads.append(g.astype(np.float32))
    return w0, grads


def split(flat, shapes, dtype):
    """The flat float32 values as one torch tensor per shape, in dtype."""
    tensors, offset = [], 0
    for _, shape in shapes:
        n = size(shape)
        tensors.append(torch.tensor(flat[offset:offset + n], dtype=torch.float32).to(dtype).reshape(shape).clone())
        offset += n
    return tensors


def flat(tensors):
    return [float(x) for t in tensors for x in t.detach().reshape(-1).tolist()]


# ---------------------------------------------------------------- transcriptions

class Lamb:
    """optax.lamb (google-deepmind/optax@2edbcbe2 alias.py): scale_by_adam(eps_root=0) ->
    add_decayed_weights -> scale_by_trust_ratio() -> scale_by_learning_rate."""

    def __init__(self, params, p):
        self.params, self.p, self.count = params, p, 0
        self.mu = [torch.zeros_like(x) for x in params]
        self.nu = [torch.zeros_like(x) for x in params]

    def step(self, grads):
        p = self.p
        self.count += 1
        for x, g, mu, nu in zip(self.params, grads, self.mu, self.nu):
            mu.copy_((1 - p["Beta1"]) * g + p["Beta1"] * mu)               # update_moment
            nu.copy_((1 - p["Beta2"]) * (g * g) + p["Beta2"] * nu)         # update_moment_per_elem_norm
            mu_hat = mu / (1 - p["Beta1"] ** self.count)                   # bias_correction
            nu_hat = nu / (1 - p["Beta2"] ** self.count)
            u = mu_hat / (torch.sqrt(nu_hat + 0.0) + p["Epsilon"])
            u = u + p["WeightDecay"] * x                                   # add_decayed_weights
            param_norm = torch.linalg.norm(x.reshape(-1))                 # safe_norm, min_norm 0
            update_norm = torch.linalg.norm(u.reshape(-1))
            ratio = 1.0 * param_norm / (update_norm + 0.0)
            ratio = torch.where((param_norm == 0) | (update_norm == 0), torch.ones((), dtype=x.dtype), ratio)
            u = u * ratio
            x.add_(-p["LearningRate"] * u)                                 # scale_by_learning_rate, apply_updates


class Lars:
    """optax.lars (google-deepmind/optax@2edbcbe2 alias.py, transforms/_accumulation.py):
    add_decayed_weights -> scale_by_trust_ratio(trust_coefficient, eps) -> scale_by_learning_rate -> trace."""

    def __init__(self, params, p):
        self.params, self.p = params, p
        self.trace = [torch.zeros_like(x) for x in params]

    def step(self, grads):
        p = self.p
        for x, g, tr in zip(self.params, grads, self.trace):
            u = g + p["WeightDecay"] * x
            param_norm = torch.linalg.norm(x.reshape(-1))
            update_norm = torch.linalg.norm(u.reshape(-1))
            ratio = p["TrustCoefficient"] * param_norm / (update_norm + p["Epsilon"])
            ratio = torch.where((param_norm == 0) | (update_norm == 0), torch.ones((), dtype=x.dtype), ratio)
            u = u * ratio
            u = -p["LearningRate"] * u
            new_trace = u + p["Momentum"] * tr
            update = u + p["Momentum"] * new_trace if p["Nesterov"] else new_trace
            tr.copy_(new_trace)
            x.add_(update)


class Adafactor:
    """torch.optim.Adafactor of PyTorch main (pytorch/pytorch@051d6a09 torch/optim/_adafactor.py,
    _single_tensor_adafactor); PyTorch 1.13 has no Adafactor. eps1 is given (the contract's float32 eps)."""

    def __init__(self, params, p):
        self.params, self.p, self.step_t = params, p, 0.0
        self.row = [x.new_zeros(list(x.shape[:-1]) + [1]) if x.dim() > 1 else None for x in params]
        self.col = [x.new_zeros(list(x.shape[:-2]) + [1, x.shape[-1]]) if x.dim() > 1 else None for x in params]
        self.var = [torch.zeros_like(x) if x.dim() <= 1 else None for x in params]

    def step(self, grads):
        p = self.p
        lr, eps1, eps2, d = p["LearningRate"], p["Epsilon1"], p["Epsilon2"], p["ClipThreshold"]
        self.step_t += 1
        for x, g, row_var, col_var, variance in zip(self.params, grads, self.row, self.col, self.var):
            step_float = self.step_t
            one_minus_beta2_t = step_float ** p["Beta2Decay"]
            rho_t = min(lr, 1 / (step_float ** 0.5))
            alpha = max(eps2, x.norm(2).item() / (x.numel() ** 0.5)) * rho_t
            if p["WeightDecay"] != 0:
                x.mul_(1 - lr * p["WeightDecay"])
            if g.dim() > 1:
                row_mean = torch.linalg.vector_norm(g, dim=-1, keepdim=True).square_().div_(g.size(-1))
                row_var.lerp_(row_mean, one_minus_beta2_t)
                col_mean = torch.linalg.vector_norm(g, dim=-2, keepdim=True).square_().div_(g.size(-2))
                col_var.lerp_(col_mean, one_minus_beta2_t)
                var_estimate = row_var @ col_var
                var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=eps1))
            else:
                variance.lerp_(g * g, one_minus_beta2_t)
                var_estimate = variance.clone()
            update = var_estimate.clamp_(min=eps1 * eps1).rsqrt_()
            update.mul_(g)
            denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
            x.add_(update, alpha=-alpha / denom)


class Prodigy:
    """prodigyopt.Prodigy (konstmish/prodigy@3efb213e prodigyopt/prodigy.py), one group, slice_p 1, no FSDP."""

    def __init__(self, params, p):
        self.params, self.p = params, p
        self.d = self.d_max = p["D0"]
        self.d_numerator, self.k = 0.0, 0
        self.state = [None] * len(params)

    def step(self, grads):
        p = self.p
        beta1, beta2 = p["Beta1"], p["Beta2"]
        beta3 = p["Beta3"] if p["Beta3"] != 0 else math.sqrt(beta2)
        k, d, d_max, d_coef, lr, d0 = self.k, self.d, self.d_max, p["DCoefficient"], p["LearningRate"], p["D0"]
        bias_correction = ((1 - beta2 ** (k + 1)) ** 0.5) / (1 - beta1 ** (k + 1)) if p["UseBiasCorrection"] else 1
        dlr = d * lr * bias_correction
        decay, decouple, eps = p["WeightDecay"], p["DecoupleWeightDecay"], p["Epsilon"]
        d_numerator = self.d_numerator * beta3
        delta_numerator, d_denom = 0.0, 0.0
        grads = [g.clone() for g in grads]
        for i, (x, grad) in enumerate(zip(self.params, grads)):
            if decay != 0 and not decouple:
                grad.add_(x, alpha=decay)
            if self.state[i] is None:
                self.state[i] = {
                    "s": torch.zeros_like(x.flatten()),
                    "p0": x.flatten().clone() if x.any() else torch.tensor(0, dtype=x.dtype),
                    "exp_avg": torch.zeros_like(x),
                    "exp_avg_sq": torch.zeros_like(x),
                }
            st = self.state[i]
            delta_numerator += (d / d0) * dlr * torch.dot(grad.flatten(), st["p0"] - x.flatten()).item()
            if beta1 > 0:
                st["exp_avg"].mul_(beta1).add_(grad, alpha=d * (1 - beta1))
            st["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=d * d * (1 - beta2))
            if p["SafeguardWarmup"]:
                st["s"].mul_(beta3).add_(grad.flatten(), alpha=((d / d0) * d))
            else:
                st["s"].mul_(beta3).add_(grad.flatten(), alpha=((d / d0) * dlr))
            d_denom += st["s"].abs().sum().item()
        if d_denom == 0:
            return
        global_d_numerator = d_numerator + delta_numerator
        d_hat = d_coef * global_d_numerator / d_denom
        if d == d0:
            d = max(d, d_hat)
        d_max = max(d_max, d_hat)
        d = min(d_max, d * p["GrowthRate"])
        self.d_numerator, self.d, self.d_max = global_d_numerator, d, d_max
        for i, (x, grad) in enumerate(zip(self.params, grads)):
            st = self.state[i]
            denom = st["exp_avg_sq"].sqrt().add_(d * eps)
            if decay != 0 and decouple:
                x.add_(x, alpha=-decay * dlr)
            if beta1 > 0:
                x.addcdiv_(st["exp_avg"], denom, value=-dlr)
            else:
                x.addcdiv_(grad, denom, value=-dlr * d)
        self.k = k + 1


class ScheduleFreeAdamW:
    """schedulefree.AdamWScheduleFree (facebookresearch/schedule_free@70785b53
    schedulefree/adamw_schedulefree.py), train mode, inner_momentum 0, single-tensor path."""

    def __init__(self, params, p):
        self.params, self.p = params, p
        self.k, self.weight_sum, self.lr_max = 0, 0.0, -1.0
        self.z = [x.clone() for x in params]
        self.v = [torch.zeros_like(x) for x in params]

    def step(self, grads):
        p = self.p
        k, beta1, beta2 = self.k, p["Beta1"], p["Beta2"]
        warmup_steps = p["WarmupSteps"]
        sched = (k + 1) / warmup_steps if k < warmup_steps else 1.0
        bias_correction2 = 1 - beta2 ** (k + 1)
        lr = p["LearningRate"] * sched
        self.lr_max = lr_max = max(lr, self.lr_max)
        weight = ((k + 1) ** p["R"]) * (lr_max ** p["WeightLrPower"])
        self.weight_sum = weight_sum = self.weight_sum + weight
        try:
            ckp1 = weight / weight_sum
        except ZeroDivisionError:
            ckp1 = 0
        for y, grad, z, exp_avg_sq in zip(self.params, grads, self.z, self.v):
            grad = grad.clone()
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(p["Epsilon"])
            grad_normalized = grad.div_(denom)
            if p["WeightDecay"] != 0:
                grad_normalized.add_(y, alpha=p["WeightDecay"])
            y.lerp_(end=z, weight=ckp1)
            y.add_(grad_normalized, alpha=lr * (beta1 * (1 - ckp1) - 1))
            z.sub_(grad_normalized, alpha=lr)
        self.k = k + 1

    def eval_weights(self):
        return [y.clone().lerp_(end=z, weight=1 - 1 / self.p["Beta1"]) for y, z in zip(self.params, self.z)]


class TorchRule:
    """A torch.optim optimizer (PyTorch 1.13) stepped with given gradients."""

    def __init__(self, params, make):
        self.params = [x.requires_grad_(True) for x in params]
        self.optimizer = make(self.params)

    def step(self, grads):
        for x, g in zip(self.params, grads):
            x.grad = g.clone()
        self.optimizer.step()


class Lookahead:
    """Zhang et al. 2019, Algorithm 1 (optax.lookahead, reset_state False): slow starts at w0; after the
    inner step t, if t % k == 0: slow <- slow + alpha (fast - slow), fast <- slow."""

    def __init__(self, params, p, inner):
        self.params, self.p, self.inner, self.t = params, p, inner, 0
        self.slow = [x.detach().clone() for x in params]

    def step(self, grads):
        self.inner.step(grads)
        self.t += 1
        if self.t % int(self.p["SyncPeriod"]) == 0:
            with torch.no_grad():
                for x, s in zip(self.params, self.slow):
                    s.add_(self.p["SlowStepSize"] * (x - s))
                    x.copy_(s)


# ---------------------------------------------------------------- the cases

DEFAULTS = {
    "Rprop": dict(LearningRate=0.01, EtaMinus=0.5, EtaPlus=1.2, MinStep=1e-6, MaxStep=50),
    "Asgd": dict(LearningRate=0.01, Lambda=1e-4, Alpha=0.75, T0=1e6, WeightDecay=0),
    "Lamb": dict(LearningRate=1e-3, Beta1=0.9, Beta2=0.999, Epsilon=1e-6, WeightDecay=0),
    "Lars": dict(LearningRate=0.1, WeightDecay=0, TrustCoefficient=0.001, Epsilon=0, Momentum=0.9, Nesterov=False),
    "Adafactor": dict(LearningRate=1e-2, Beta2Decay=-0.8, Epsilon1=1.1920929e-7, Epsilon2=1e-3, ClipThreshold=1.0, WeightDecay=0),
    "Prodigy": dict(LearningRate=1.0, Beta1=0.9, Beta2=0.999, Beta3=0, D0=1e-6, DCoefficient=1.0, GrowthRate=math.inf,
                    WeightDecay=0, DecoupleWeightDecay=True, UseBiasCorrection=False, SafeguardWarmup=False, Epsilon=1e-8),
    "ScheduleFreeAdamW": dict(LearningRate=0.0025, Beta1=0.9, Beta2=0.999, Epsilon=1e-8, WeightDecay=0, WarmupSteps=0, R=0, WeightLrPower=2),
    "Lookahead": dict(SyncPeriod=5, SlowStepSize=0.5),
}

INNER_DEFAULTS = {
    "Adam": dict(LearningRate=1e-3, Beta1=0.9, Beta2=0.999, Epsilon=1e-8, WeightDecay=0),
    "Sgd": dict(LearningRate=1e-2, WeightDecay=0),
    "Lamb": DEFAULTS["Lamb"],
}

REFERENCES = {
    "Rprop": "PyTorch 1.13.0a0 torch.optim.Rprop",
    "Asgd": "PyTorch 1.13.0a0 torch.optim.ASGD (float64 run with torch's default dtype float64, so eta and mu are double)",
    "Lamb": "optax.lamb, transcribed (google-deepmind/optax@2edbcbe2 optax/_src/alias.py, transform.py)",
    "Lars": "optax.lars, transcribed (google-deepmind/optax@2edbcbe2 optax/_src/alias.py, transform.py, transforms/_accumulation.py)",
    "Adafactor": "torch.optim.Adafactor of PyTorch main, transcribed (pytorch/pytorch@051d6a09 torch/optim/_adafactor.py, _single_tensor_adafactor)",
    "Prodigy": "prodigyopt.Prodigy, transcribed (konstmish/prodigy@3efb213e prodigyopt/prodigy.py), one group",
    "ScheduleFreeAdamW": "schedulefree.AdamWScheduleFree train mode, transcribed (facebookresearch/schedule_free@70785b53 schedulefree/adamw_schedulefree.py)",
    "Lookahead": "Lookahead (Zhang et al. 2019, Algorithm 1; optax.lookahead without reset_state) over PyTorch 1.13's torch.optim inner rule (Adam, SGD) or the Lamb transcription above",
}


def make(type_name, p, params, inner=None):
    """The optimizer of type_name with full properties p over params (torch tensors)."""
    if type_name == "Rprop":
        return TorchRule(params, lambda ps: torch.optim.Rprop(ps, lr=p["LearningRate"], etas=(p["EtaMinus"], p["EtaPlus"]),
                                                              step_sizes=(p["MinStep"], p["MaxStep"]), foreach=False))
    if type_name == "Asgd":
        return TorchRule(params, lambda ps: torch.optim.ASGD(ps, lr=p["LearningRate"], lambd=p["Lambda"], alpha=p["Alpha"],
                                                             t0=p["T0"], weight_decay=p["WeightDecay"], foreach=False))
    if type_name == "Lookahead":
        inner_type, q = inner
        if inner_type in DEFAULTS:  # a second-round rule, transcribed above
            return Lookahead(params, p, make(inner_type, q, params))
        if inner_type == "Adam":
            make_inner = lambda ps: torch.optim.Adam(ps, lr=q["LearningRate"], betas=(q["Beta1"], q["Beta2"]), eps=q["Epsilon"],
                                                     weight_decay=q["WeightDecay"], foreach=False)
        else:
            make_inner = lambda ps: torch.optim.SGD(ps, lr=q["LearningRate"], weight_decay=q["WeightDecay"], foreach=False)
        rule = TorchRule(params, make_inner)
        return Lookahead(rule.params, p, rule)
    return {"Lamb": Lamb, "Lars": Lars, "Adafactor": Adafactor, "Prodigy": Prodigy, "ScheduleFreeAdamW": ScheduleFreeAdamW}[type_name](params, p)


def run(type_name, p, shapes, w0, grads, dtype, inner=None):
    torch.set_default_dtype(dtype)  # ASGD keeps eta and mu as tensors of the default dtype
    params = split(w0, shapes, dtype)
    rule = make(type_name, p, params, inner)
    trajectory, averages = [], []
    for g in grads:
        gs = split(g, shapes, dtype)
        if isinstance(rule, TorchRule) or isinstance(rule, Lookahead):
            rule.step(gs)
        else:
            with torch.no_grad():
                rule.step(gs)
        trajectory.append(flat(params))
        if type_name == "Asgd":
            opt = rule.optimizer
            averages.append(flat([opt.state[x]["ax"] for x in rule.params]))
    extra = {}
    if type_name == "Asgd":
        extra["ax"] = averages
    if type_name == "ScheduleFreeAdamW":
        with torch.no_grad():
            extra["eval"] = flat(rule.eval_weights())
    torch.set_default_dtype(torch.float32)
    return trajectory, extra


def case(name, type_name, properties, seed, shapes=BASE_SHAPES, steady=0.0, flips=False, inner=None):
    full = {k: (f32(v) if not isinstance(v, bool) else v) for k, v in {**DEFAULTS[type_name], **properties}.items()}
    inner_full = None
    if inner is not None:
        inner_type, inner_properties = inner
        inner_full = (inner_type, {k: f32(v) for k, v in {**INNER_DEFAULTS[inner_type], **inner_properties}.items()})
    w0, grads = inputs(seed, shapes, steady, flips)
    t32, x32 = run(type_name, full, shapes, w0, grads, torch.float32, inner_full)
    t64, x64 = run(type_name, full, shapes, w0, grads, torch.float64, inner_full)
    result = {
        "name": name,
        "type": type_name,
        "properties": {k: (v if isinstance(v, bool) else f32(v)) for k, v in properties.items()},
        "reference": REFERENCES[type_name],
        "tensors": [{"name": n, "shape": s} for n, s in shapes],
        "n": int(w0.size),
        "steps": STEPS,
        "w0": [float(x) for x in w0],
        "grads": [[float(x) for x in g] for g in grads],
        "expected32": t32,
        "expected64": t64,
    }
    if inner_full is not None:
        result["inner"] = {"type": inner_full[0], "properties": inner_full[1]}
    if "ax" in x32:
        result["expected_ax32"], result["expected_ax64"] = x32["ax"], x64["ax"]
    if "eval" in x32:
        result["expected_eval32"], result["expected_eval64"] = x32["eval"], x64["eval"]
    return result


def main():
    cases = [
        case("rprop_step_bounds", "Rprop", dict(LearningRate=0.05, EtaMinus=0.3, EtaPlus=1.5, MinStep=0.01, MaxStep=0.12), 101, flips=True),
        case("rprop_defaults_flipping", "Rprop", dict(), 102, shapes=RANK_SHAPES, flips=True),
        case("asgd_averaging_weight_decay", "Asgd", dict(LearningRate=0.05, Lambda=0.01, Alpha=0.6, T0=5, WeightDecay=0.02), 103),
        case("lamb_weight_decay", "Lamb", dict(LearningRate=0.01, Beta1=0.8, Beta2=0.99, Epsilon=1e-4, WeightDecay=0.05), 104),
        case("lamb_ranks", "Lamb", dict(WeightDecay=0.01), 105, shapes=RANK_SHAPES),
        case("lars_nesterov_weight_decay", "Lars", dict(LearningRate=0.5, WeightDecay=0.01, TrustCoefficient=0.02, Epsilon=1e-3,
                                                       Momentum=0.8, Nesterov=True), 106),
        case("lars_no_momentum", "Lars", dict(LearningRate=0.2, TrustCoefficient=0.01, Momentum=0), 107, shapes=RANK_SHAPES),
        case("adafactor_ranks_0_to_3", "Adafactor", dict(LearningRate=0.05), 108, shapes=RANK_SHAPES),
        case("adafactor_weight_decay_clipping", "Adafactor", dict(LearningRate=0.02, Beta2Decay=-0.5, Epsilon2=0.01, ClipThreshold=1.5,
                                                                 WeightDecay=0.05), 109, shapes=RANK_SHAPES),
        case("adafactor_rank3", "Adafactor", dict(), 110, shapes=[("A", [3, 4, 5]), ("B", [2, 1, 3, 2]), ("c", [4])]),
        case("prodigy_decoupled_weight_decay", "Prodigy", dict(LearningRate=0.3, D0=1e-4, WeightDecay=0.05), 111, steady=1.0),
        case("prodigy_options", "Prodigy", dict(LearningRate=1.0, Beta1=0.8, Beta2=0.99, Beta3=0.95, D0=1e-3, DCoefficient=2.0,
                                                GrowthRate=1.3, WeightDecay=0.02, DecoupleWeightDecay=False, UseBiasCorrection=True,
                                                SafeguardWarmup=True, Epsilon=1e-6), 112, steady=1.0),
        case("prodigy_no_first_moment", "Prodigy", dict(LearningRate=0.1, Beta1=0, D0=1e-4, GrowthRate=1.2), 113, shapes=RANK_SHAPES, steady=1.0),
        case("schedulefree_warmup_weight_decay", "ScheduleFreeAdamW", dict(LearningRate=0.01, WeightDecay=0.05, WarmupSteps=7), 114),
        case("schedulefree_polynomial_weighting", "ScheduleFreeAdamW", dict(LearningRate=0.02, Beta1=0.8, Beta2=0.99, Epsilon=1e-6,
                                                                           WarmupSteps=4, R=1.0, WeightLrPower=1.0), 115, shapes=RANK_SHAPES),
        case("lookahead_adam", "Lookahead", dict(), 116, inner=("Adam", dict(LearningRate=0.01))),
        case("lookahead_sgd", "Lookahead", dict(SyncPeriod=3, SlowStepSize=0.8), 117, shapes=RANK_SHAPES,
             inner=("Sgd", dict(LearningRate=0.05, WeightDecay=0.01))),
        case("lookahead_lamb", "Lookahead", dict(SyncPeriod=4, SlowStepSize=0.6), 118,
             inner=("Lamb", dict(LearningRate=0.02, WeightDecay=0.01))),
    ]
    json.dump({"cases": cases}, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
