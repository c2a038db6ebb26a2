"""The compiled kernels of the fast path (numba, float32): a whole epoch per model, models over the cores.

Every model's parameters are one packed row ``theta[k]``: the weight matrices
``W_l`` (``fan_in x fan_out``, row-major) at ``woff[l]``, then the biases
``b_l`` at ``boff[l]``, then batch norm's scales and shifts at ``goff``,
``soff`` (its running means and variances: ``norms[k]`` at ``moff``, ``voff``;
all offsets in ``layout``, built by :func:`reglab.engine.compiled._layout`); the optimizer's moments ``m``, ``v`` (Adam) or the
momentum buffer ``m`` (SGD) are packed the same way.  Each model is worked on
alone (``prange`` over models, no sum across models anywhere), so a model's
numbers do not depend on what else is in the batch.

One step on minibatch rows ``order[k, begin:begin + B]`` is, for model ``k``:

1. forward: ``h_0 = x``, perturbed at position 0 (the input); for each layer
   ``z = h_l W_l + b_l`` (with batch norm, a hidden layer's ``z = h_l W_l``
   normalized: :func:`_normalize_batch`); a hidden layer gives ``a = act(z)`` then the
   perturbations of position ``l + 1``: for each perturbing piece in order,
   ``h <- h * scale + shift`` (drawn in torch beforehand, :mod:`.draws`);
2. data loss (mean over the minibatch) and ``dL/dz`` of the output:
   ``(sigmoid(z) - y) / B``, ``(softmax(z) - onehot(y)) / B``, ``2 (z - y) / B``;
3. backward: ``dW_l = h_l^T d``, ``db_l = sum_B d``, ``d <- act'(a) * (d W_l^T) * scale``
   (then through batch norm, :func:`_normalize_backward`);
4. penalty gradients (:data:`PENALTY_OPS`), decoupled decay ``w <- w (1 - lr c)``,
   the optimizer step (Adam as ``torch._fused_adam_`` then scaled by the
   model's ``lr``; SGD ``buf <- mu buf + g``, ``w <- w - lr buf``), and the
   after-update rules (:data:`AFTER_OPS`) in the pieces' order.

These are the formulas of :mod:`reglab.engine.backprop`,
:mod:`reglab.engine.optimizers` and the pieces; ``tests/test_compiled.py``
checks both paths against each other.  :func:`run_metrics` is
:func:`reglab.engine.objective.evaluate` per run (members averaged).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

F32 = np.float32
ZERO, ONE, TWO, HALF = F32(0.0), F32(1.0), F32(2.0), F32(0.5)
BETA1, BETA2, EPS = 0.9, 0.999, F32(1e-8)
NORM_EPS = F32(1e-12)
BN_EPS = F32(1e-5)
"""Batch norm's ``eps`` (:data:`reglab.engine.network.BN_EPS`)."""
NEAR_ZERO = F32(1e-3)
ACTIVATIONS = {"relu": 0, "tanh": 1, "sigmoid": 2}
TASKS = {"binary": 0, "multiclass": 1, "regression": 2}
OPTIMIZERS = {"adam": 0, "sgd": 1}
PENALTY_OPS = {"l1": 0, "l2": 1}
AFTER_OPS = {"soft_threshold": 0, "max_norm": 1, "unit_norm": 2, "non_neg": 3}
AFTER_OPS_SOFT_THRESHOLD = AFTER_OPS["soft_threshold"]
STATS = ("weight_l1", "weight_l2", "exact_zero_fraction", "near_zero_fraction", "min_abs_weight")
"""The weight statistics :func:`weight_stats` computes, in its columns' order (those of :mod:`reglab.engine.weight_stats`)."""


@njit(cache=True, inline="always")
def _activate(z: float, act: int) -> float:
    if act == 0:
        return ZERO if z <= ZERO else z
    if act == 1:
        return np.tanh(z)
    return ONE / (ONE + np.exp(-z))


@njit(cache=True, inline="always")
def _activation_grad(grad: float, out: float, act: int) -> float:
    if act == 0:
        return grad if out > ZERO else ZERO
    if act == 1:
        return grad * (ONE - out * out)
    return grad * out * (ONE - out)


@njit(cache=True, inline="always")
def _view(buffer, start, rows, cols):
    """``buffer[start : start + rows * cols]`` as a C-contiguous ``rows x cols`` matrix (for BLAS: no copy)."""
    return buffer[start : start + rows * cols].reshape((rows, cols))


@njit(cache=True)
def _dense(h, W, bias, z, biased):
    """``z = h @ W + bias`` (one ``sgemm``); ``z = h @ W`` when not ``biased`` (the bias that batch norm cancels
    takes no part)."""
    np.dot(h, W, z)
    if biased:
        for r in range(z.shape[0]):
            for j in range(z.shape[1]):
                z[r, j] += bias[j]


@njit(cache=True)
def _forward(theta, norms, layout, act, batchnorm, h, z, scratch):
    """Evaluation-mode logits (no perturbation; batch norm with the running estimates ``norms``) of the rows of ``h``
    into ``z``, for one model's ``theta`` (``scratch``: at least ``2 x rows x width`` floats)."""
    sizes, woff, boff, goff, soff, moff, voff = layout
    layers = sizes.shape[0] - 1
    rows = h.shape[0]
    half = scratch.shape[0] // 2
    source = 0
    inv = np.empty(sizes.max(), dtype=F32)  # batch norm's 1 / sqrt(var + eps), per unit
    x = h
    for l in range(layers):
        fan_in, fan_out = sizes[l], sizes[l + 1]
        W = _view(theta, woff[l], fan_in, fan_out)
        out = z if l == layers - 1 else _view(scratch, half - source, rows, fan_out)
        hidden = l < layers - 1
        _dense(x, W, theta[boff[l] : boff[l] + fan_out], out, not (batchnorm and hidden))
        if hidden:
            if batchnorm:
                gamma, beta = theta[goff[l] : goff[l] + fan_out], theta[soff[l] : soff[l] + fan_out]
                mean, var = norms[moff[l] : moff[l] + fan_out], norms[voff[l] : voff[l] + fan_out]
                for j in range(fan_out):
                    inv[j] = ONE / np.sqrt(var[j] + BN_EPS)
                for r in range(rows):
                    for j in range(fan_out):
                        out[r, j] = (out[r, j] - mean[j]) * inv[j] * gamma[j] + beta[j]
            for r in range(rows):
                for j in range(fan_out):
                    out[r, j] = _activate(out[r, j], act)
        x = out
        source = half - source


@njit(cache=True)
def _normalize_batch(z, gamma, beta, xhat, inv, mean_run, var_run, momentum):
    """Batch norm in training, in place on ``z`` ``[rows, width]``: ``z <- (z - mean_B) / sqrt(var_B + eps) * gamma
    + beta`` (biased batch variance); keeps ``xhat`` and ``inv = 1 / sqrt(var_B + eps)`` for the backward pass and
    moves the running estimates ``r <- r + momentum (stat - r)`` (the unbiased variance)."""
    rows, width = z.shape
    for j in range(width):
        total = ZERO
        for r in range(rows):
            total += z[r, j]
        mean = total / F32(rows)
        spread = ZERO
        for r in range(rows):
            spread += (z[r, j] - mean) * (z[r, j] - mean)
        var = spread / F32(rows)
        inv[j] = ONE / np.sqrt(var + BN_EPS)
        for r in range(rows):
            xhat[r, j] = (z[r, j] - mean) * inv[j]
            z[r, j] = xhat[r, j] * gamma[j] + beta[j]
        mean_run[j] += momentum * (mean - mean_run[j])
        var_run[j] += momentum * (var * F32(rows / max(rows - 1, 1)) - var_run[j])


@njit(cache=True)
def _normalize_backward(d, xhat, inv, gamma, g_gamma, g_beta):
    """Batch norm's backward pass, in place: ``d`` from ``dL/dy`` to ``dL/dz`` with
    ``dz = gamma inv / B (B dy - sum_B dy - xhat sum_B(dy xhat))``; ``dL/dgamma = sum_B dy xhat``, ``dL/dbeta = sum_B dy``."""
    rows, width = d.shape
    for j in range(width):
        sum_dy = ZERO
        sum_dy_xhat = ZERO
        for r in range(rows):
            sum_dy += d[r, j]
            sum_dy_xhat += d[r, j] * xhat[r, j]
        g_beta[j] = sum_dy
        g_gamma[j] = sum_dy_xhat
        scale = gamma[j] * inv[j] / F32(rows)
        for r in range(rows):
            d[r, j] = scale * (F32(rows) * d[r, j] - sum_dy - xhat[r, j] * sum_dy_xhat)


@njit(cache=True)
def _output_grad(z, y, rows, n_out, task, d):
    """Data loss summed over the rows (float64) and ``d = dL/dz`` of the mean loss, for one minibatch."""
    total = 0.0
    scale = ONE / F32(rows)
    for r in range(rows):
        if task == 0:
            x = z[r, 0]
            t = y[r]
            total += max(x, ZERO) - x * t + math.log1p(math.exp(-abs(x)))
            d[r, 0] = (ONE / (ONE + np.exp(-x)) - t) * scale
        elif task == 1:
            top = z[r, 0]
            for j in range(1, n_out):
                top = max(top, z[r, j])
            s = 0.0
            for j in range(n_out):
                s += math.exp(z[r, j] - top)
            label = int(y[r])
            total += math.log(s) + top - z[r, label]
            for j in range(n_out):
                p = F32(math.exp(z[r, j] - top) / s)
                d[r, j] = (p - (ONE if j == label else ZERO)) * scale
        else:
            e = z[r, 0] - y[r]
            total += e * e
            d[r, 0] = e * (TWO * scale)
    return total


@njit(cache=True)
def _train_model(k, theta, m, v, norms, layout, act, batchnorm, bn_momentum, X, y, order, batch, lr, momentum, opt, t0,
                 task, pen_op, pen_w, pen_b, decay, after_op, after_c, scales, shifts, scale_of, shift_of):
    """Every minibatch step of one epoch for model ``k``; returns the sum over steps of (mean loss × rows), float32."""
    sizes, woff, boff, goff, soff, moff, voff = layout
    layers = sizes.shape[0] - 1
    n = X.shape[0]
    n_params = theta.shape[1]
    width = sizes.max()
    offsets = np.zeros(layers + 1, dtype=np.int64)  # column offsets of each position in the perturbation buffers
    for l in range(layers):
        offsets[l + 1] = offsets[l] + sizes[l]
    H = np.empty(batch * offsets[layers], dtype=F32)  # each layer's (perturbed) input, at batch * offsets[l]
    A = np.empty(batch * offsets[layers], dtype=F32)  # each hidden activation before its perturbations
    XHAT = np.empty(batch * offsets[layers], dtype=F32)  # batch norm's normalized pre-activations
    INV = np.empty(offsets[layers], dtype=F32)  # and its 1 / sqrt(var_B + eps)
    Z = np.empty(batch * width, dtype=F32)
    D = np.empty(batch * width, dtype=F32)
    DOWN = np.empty(batch * width, dtype=F32)
    g = np.empty(n_params, dtype=F32)
    step_size = np.empty(n_params, dtype=F32)
    w, mk, vk, running_k = theta[k], m[k], v[k], norms[k]
    rate = lr[k]
    running = ZERO
    t = t0
    n_pieces = scale_of.shape[0]
    labels = np.empty(batch, dtype=F32)
    prox = False
    for q in range(after_op.shape[0]):
        prox = prox or after_op[q] == AFTER_OPS_SOFT_THRESHOLD
    for begin in range(0, n, batch):
        rows = min(batch, n - begin)
        # forward
        x = _view(H, 0, rows, sizes[0])
        for r in range(rows):
            row = order[k, begin + r]
            labels[r] = y[row]
            for i in range(sizes[0]):
                x[r, i] = X[row, i]
        for l in range(layers + 1):
            h = _view(H, batch * offsets[l], rows, sizes[l]) if l < layers else x
            if l > 0:
                fan_in, fan_out = sizes[l - 1], sizes[l]
                z = _view(Z, 0, rows, fan_out)
                _dense(_view(H, batch * offsets[l - 1], rows, fan_in), _view(w, woff[l - 1], fan_in, fan_out),
                       w[boff[l - 1] : boff[l - 1] + fan_out], z, not (batchnorm and l < layers))
                if l == layers:
                    break
                if batchnorm:
                    g0, s0 = goff[l - 1], soff[l - 1]
                    _normalize_batch(z, w[g0 : g0 + fan_out], w[s0 : s0 + fan_out],
                                     _view(XHAT, batch * offsets[l], rows, fan_out), INV[offsets[l] : offsets[l] + fan_out],
                                     running_k[moff[l - 1] : moff[l - 1] + fan_out],
                                     running_k[voff[l - 1] : voff[l - 1] + fan_out], bn_momentum[k])
                a = _view(A, batch * offsets[l], rows, fan_out)
                for r in range(rows):
                    for j in range(fan_out):
                        value = _activate(z[r, j], act)
                        a[r, j] = value
                        h[r, j] = value
            c0 = offsets[l]
            for p in range(n_pieces):  # the perturbations of position l, piece by piece
                if scale_of[p, l] >= 0:
                    s = scales[scale_of[p, l], k]
                    for r in range(rows):
                        for j in range(sizes[l]):
                            h[r, j] *= s[begin + r, c0 + j]
                if shift_of[p, l] >= 0:
                    s = shifts[shift_of[p, l], k]
                    for r in range(rows):
                        for j in range(sizes[l]):
                            h[r, j] += s[begin + r, c0 + j]
        d = _view(D, 0, rows, sizes[layers])
        loss = _output_grad(_view(Z, 0, rows, sizes[layers]), labels, rows, sizes[layers], task, d)
        running += F32(F32(loss / rows) * F32(rows))
        # backward
        for l in range(layers - 1, -1, -1):
            fan_in, fan_out = sizes[l], sizes[l + 1]
            w0, b0 = woff[l], boff[l]
            d = _view(D, 0, rows, fan_out)
            h = _view(H, batch * offsets[l], rows, fan_in)
            np.dot(h.T, d, _view(g, w0, fan_in, fan_out))  # dW = h^T d, db = sum_rows d
            for j in range(fan_out):
                g[b0 + j] = ZERO
            if not (batchnorm and l < layers - 1):  # a bias that batch norm cancels takes no part (data gradient 0)
                for r in range(rows):
                    for j in range(fan_out):
                        g[b0 + j] += d[r, j]
            if l == 0:
                break
            down = _view(DOWN, 0, rows, fan_in)
            np.dot(d, _view(w, w0, fan_in, fan_out).T, down)
            c0 = offsets[l]
            for p in range(n_pieces):
                if scale_of[p, l] >= 0:
                    s = scales[scale_of[p, l], k]
                    for r in range(rows):
                        for i in range(fan_in):
                            down[r, i] *= s[begin + r, c0 + i]
            a = _view(A, batch * offsets[l], rows, fan_in)
            d = _view(D, 0, rows, fan_in)
            for r in range(rows):
                for i in range(fan_in):
                    d[r, i] = _activation_grad(down[r, i], a[r, i], act)
            if batchnorm:
                g0, s0 = goff[l - 1], soff[l - 1]
                _normalize_backward(d, _view(XHAT, batch * offsets[l], rows, fan_in), INV[offsets[l] : offsets[l] + fan_in],
                                    w[g0 : g0 + fan_in], g[g0 : g0 + fan_in], g[s0 : s0 + fan_in])
        # penalties' gradients
        for q in range(pen_op.shape[0]):
            for l in range(layers):
                for part in range(2):
                    c = pen_w[q, l, k] if part == 0 else pen_b[q, l, k]
                    if c == ZERO:
                        continue
                    start = woff[l] if part == 0 else boff[l]
                    count = sizes[l] * sizes[l + 1] if part == 0 else sizes[l + 1]
                    for e in range(start, start + count):
                        if pen_op[q] == 0:
                            g[e] += c * (ONE if w[e] > ZERO else (-ONE if w[e] < ZERO else ZERO))
                        else:
                            g[e] += TWO * c * w[e]
        # decoupled decay, before the step (weights only)
        for q in range(decay.shape[0]):
            factor = ONE - rate * decay[q, k]
            for l in range(layers):
                for e in range(woff[l], woff[l] + sizes[l] * sizes[l + 1]):
                    w[e] *= factor
        # the optimizer step (one loop per update, each vectorized); ``step_size``: the step per unit of gradient
        t += 1
        if opt == 0:
            bias1 = F32(1.0 / (1.0 - BETA1**t))
            root2 = F32(math.sqrt(1.0 - BETA2**t))
            for e in range(n_params):
                mk[e] = mk[e] + F32(1.0 - BETA1) * (g[e] - mk[e])
            for e in range(n_params):
                vk[e] = vk[e] * F32(BETA2) + F32(1.0 - BETA2) * g[e] * g[e]
            for e in range(n_params):  # Adam's denominator, then (for prox) the step per unit of gradient
                step_size[e] = np.sqrt(vk[e]) / root2 + EPS
            for e in range(n_params):
                w[e] += -(bias1 * mk[e] / step_size[e]) * rate
            if prox:
                for e in range(n_params):
                    step_size[e] = rate / step_size[e]
        else:
            for e in range(n_params):
                mk[e] = mk[e] * momentum[k] + g[e]
                w[e] -= rate * mk[e]
            step_size[:] = rate
        # after-update rules, in the pieces' order (weights only)
        for q in range(after_op.shape[0]):
            c = after_c[q, k]
            op = after_op[q]
            if op >= 2 and c == ZERO:
                continue
            for l in range(layers):
                fan_in, fan_out, w0 = sizes[l], sizes[l + 1], woff[l]
                if op == 0:
                    for e in range(w0, w0 + fan_in * fan_out):
                        x = w[e]
                        shrunk = max(abs(x) - step_size[e] * c, ZERO)
                        w[e] = shrunk if x > ZERO else (-shrunk if x < ZERO else ZERO * x)
                elif op == 3:
                    for e in range(w0, w0 + fan_in * fan_out):
                        w[e] = max(w[e], ZERO)
                else:
                    for j in range(fan_out):
                        s = 0.0
                        for i in range(fan_in):
                            s += w[w0 + i * fan_out + j] ** 2
                        length = max(F32(math.sqrt(s)), NORM_EPS)
                        factor = min(c / length, ONE)
                        for i in range(fan_in):
                            if op == 1:
                                w[w0 + i * fan_out + j] *= factor
                            else:
                                w[w0 + i * fan_out + j] /= length
    return running


@njit(cache=True)
def _penalty_and_stats(w, sizes, woff, boff, pen_op, pen_w, pen_b, k, stats):
    """Model ``k``'s total penalty, and its weight statistics into ``stats`` (:data:`STATS`)."""
    layers = sizes.shape[0] - 1
    penalty = 0.0
    l1 = 0.0
    l2 = 0.0
    zeros = 0
    near = 0
    smallest = np.inf
    count = 0
    for l in range(layers):
        for part in range(2):
            start = woff[l] if part == 0 else boff[l]
            size = sizes[l] * sizes[l + 1] if part == 0 else sizes[l + 1]
            for q in range(pen_op.shape[0]):
                c = pen_w[q, l, k] if part == 0 else pen_b[q, l, k]
                if c != ZERO:
                    s = 0.0
                    for e in range(start, start + size):
                        s += abs(w[e]) if pen_op[q] == 0 else w[e] * w[e]
                    penalty += c * s
            if part == 1:
                continue
            for e in range(start, start + size):
                x = abs(w[e])
                l1 += x
                l2 += x * x
                if x == ZERO:
                    zeros += 1
                if x < NEAR_ZERO:
                    near += 1
                smallest = min(smallest, x)
                count += 1
    stats[0] = l1
    stats[1] = math.sqrt(l2)
    stats[2] = zeros / count
    stats[3] = near / count
    stats[4] = smallest
    return penalty


@njit(parallel=True, cache=True)
def train_epoch(theta, m, v, norms, layout, act, batchnorm, bn_momentum, X, y, order, batch, lr, momentum, opt, t0, task,
                pen_op, pen_w, pen_b, decay, after_op, after_c, scales, shifts, scale_of, shift_of,
                X_eval, running, logits, penalty, stats):
    """One epoch of every model (``prange`` over models), then each model's evaluation logits on ``X_eval``.

    Writes ``running[k]`` (sum of minibatch mean loss × rows), ``logits[k]``
    (``[len(X_eval), n_outputs]``), ``penalty[k]`` and ``stats[k]`` (:data:`STATS`).
    """
    for k in prange(theta.shape[0]):
        running[k] = _train_model(k, theta, m, v, norms, layout, act, batchnorm, bn_momentum, X, y, order, batch, lr,
                                  momentum, opt, t0, task, pen_op, pen_w, pen_b, decay, after_op, after_c, scales,
                                  shifts, scale_of, shift_of)
        _evaluate_model(k, theta, norms, layout, act, batchnorm, X_eval, logits, pen_op, pen_w, pen_b, penalty, stats)


@njit(cache=True)
def _evaluate_model(k, theta, norms, layout, act, batchnorm, X_eval, logits, pen_op, pen_w, pen_b, penalty, stats):
    """Model ``k``'s logits on ``X_eval`` (in chunks of rows), penalty and weight statistics."""
    chunk = 256
    n, n_in, n_out = X_eval.shape[0], X_eval.shape[1], logits.shape[2]
    rows_in = X_eval.reshape(n * n_in)
    rows_out = logits[k].reshape(n * n_out)
    sizes, woff, boff = layout[0], layout[1], layout[2]
    scratch = np.empty(2 * chunk * sizes.max(), dtype=F32)
    for start in range(0, n, chunk):
        rows = min(chunk, n - start)
        _forward(theta[k], norms[k], layout, act, batchnorm, _view(rows_in, start * n_in, rows, n_in),
                 _view(rows_out, start * n_out, rows, n_out), scratch)
    penalty[k] = _penalty_and_stats(theta[k], sizes, woff, boff, pen_op, pen_w, pen_b, k, stats[k])


@njit(cache=True)
def evaluate(theta, norms, layout, act, batchnorm, X_eval, pen_op, pen_w, pen_b, logits, penalty, stats):
    """Every model's evaluation logits on ``X_eval``, penalty and weight statistics (once per group: not parallel)."""
    for k in range(theta.shape[0]):
        _evaluate_model(k, theta, norms, layout, act, batchnorm, X_eval, logits, pen_op, pen_w, pen_b, penalty, stats)


@njit(cache=True)
def run_metrics(logits, y, members, task, out):
    """Per run: ``out[r] = (loss, acc)`` or ``(loss, mse, r2)`` of its members' mean prediction.

    ``logits`` is ``[R*M, N, o]`` for the rows ``y`` ``[N]``; the formulas are
    those of :func:`reglab.engine.objective.evaluate`: classification takes
    the log of the members' mean probability, ``logsumexp_m(log p_m) - log M``;
    regression the members' mean value, ``r2 = 1 - SSE / max(SST, 1e-12)``.
    """
    runs = logits.shape[0] // members
    n, n_out = logits.shape[1], logits.shape[2]
    target_mean = 0.0
    for i in range(n):
        target_mean += y[i]
    target_mean /= max(n, 1)
    for run in range(runs):
        if n == 0:
            out[run, :] = np.nan
            continue
        picked_sum = 0.0
        correct = 0
        sse = 0.0
        sst = 0.0
        log_p = np.empty((members, max(n_out, 2)))
        mean_log = np.empty(max(n_out, 2))
        for i in range(n):
            if task == 2:
                pred = 0.0
                for mm in range(members):
                    pred += logits[run * members + mm, i, 0]
                pred /= members
                sse += (pred - y[i]) ** 2
                sst += (y[i] - target_mean) ** 2
                continue
            classes = 2 if task == 0 else n_out
            for mm in range(members):
                row = logits[run * members + mm, i]
                if task == 0:
                    x = float(row[0])
                    log_p[mm, 1] = -(max(-x, 0.0) + math.log1p(math.exp(-abs(x))))
                    log_p[mm, 0] = -(max(x, 0.0) + math.log1p(math.exp(-abs(x))))
                else:
                    top = float(row[0])
                    for j in range(1, n_out):
                        top = max(top, float(row[j]))
                    s = 0.0
                    for j in range(n_out):
                        s += math.exp(row[j] - top)
                    for j in range(n_out):
                        log_p[mm, j] = row[j] - top - math.log(s)
            for j in range(classes):
                top = log_p[0, j]
                for mm in range(1, members):
                    top = max(top, log_p[mm, j])
                s = 0.0
                for mm in range(members):
                    s += math.exp(log_p[mm, j] - top)
                mean_log[j] = top + math.log(s) - math.log(members) if members > 1 else log_p[0, j]
            label = int(y[i])
            picked_sum += mean_log[label]
            best = 0
            for j in range(1, classes):
                if mean_log[j] > mean_log[best]:
                    best = j
            if best == label:
                correct += 1
        if task == 2:
            mse = sse / n
            out[run, 0] = mse
            out[run, 1] = mse
            out[run, 2] = 1.0 - sse / max(sst, 1e-12)
        else:
            out[run, 0] = -picked_sum / n
            out[run, 1] = correct / n
