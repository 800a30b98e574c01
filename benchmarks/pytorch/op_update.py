#!/usr/bin/env python3
"""PyTorch peer of LearnerUpdateBenchmark: one OP / OP-MH update (paper eqs 27-40) with the same
networks, sizes and operations as org.p2pgrid.learner (OpLearner, GaussianActor(s), MlpCritic,
AttentionCritic, CriticSet), on one intra-op thread.

A benchmark tool, not a project dependency: run through benchmarks/pytorch.sh (Debian's
python3-torch, /usr/bin/python3). Prints median / min / max ms per update after a warm-up, and
the batch-1 actor forward in microseconds.

    /usr/bin/python3 benchmarks/pytorch/op_update.py [--algo OP|OP-MH|both] [--warmup 10] [--iters 40]

Mirrors the Java code op for op where it matters for cost:
  * actors: 20 separate MLPs obs(10) -> 256 -> 256 (ReLU) -> mu, log sigma over the agent's OWN
    action dims (3..5, from the default scenario), clamp log sigma to [-20, 2], u = mu + sigma*eps,
    tanh squash, affine to the static bounds, log pi with the stable tanh Jacobian; each agent's
    squashed action scattered into eq-22 positions by a [k, 5] 0/1 matmul, stacked to [B, N, 5];
  * OP critic (MlpCritic): [s, a] flat (N*(10+5) = 300 inputs; V: 200) -> 256 -> 256 -> N;
  * OP-MH critic (AttentionCritic): per-agent embedding (stacked weights, bmm) in -> 128 -> 128,
    differential attention eqs 31-34 (d_model 128, 4 heads, d_k 32, no biases, xi_init 0.2),
    residual concat [X, E] -> per-agent 256 -> 1;
  * double Q, V, target V (Polyak tau 0.005), eq 36 critic loss with IS weights, eq 35 V loss,
    eq 39 actor loss with W2 (eq 30) over labelled rows, eq 40 dual step, one Adam per network
    (separate Adams for Q1, Q2, V and each actor, lr 1e-4), Q frozen during the actor pass.
Batches: random but bounded, pre-generated (30 % labelled rows, IS weights in (0.5, 1]) and cycled,
like the Java benchmark's pre-drawn replay batches.
"""
import argparse
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass

AGENTS = 20
OBS = 10
ADIM = 5
BATCH = 128
HIDDEN = 256
D_MODEL = 128
HEADS = 4
D_K = 32
LOG_STD_MIN, LOG_STD_MAX = -20.0, 2.0
XI_INIT = 0.2
GAMMA = 0.99
TAU = 0.005
LR = 1e-4
LAMBDA0 = 0.02
LR_LAMBDA = 1e-3
EPSILON = 0.1
ALPHA = 0.0
Q_WEIGHT = 1.0
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)

# Own action dims per agent of Scenarios.defaults(1) (ProsumerSpec.activeActionDims(), eq-22 order
# P_CDG, P_RDG, Q_RDG, P_BESS, P_CL); printed by the Java fixture, see RESULTS.md. Only the counts
# and positions matter for cost; bounds are representative.
AGENT_DIMS = None  # filled from --dims or the default below


def default_dims():
    # 20 agents with 3..5 own dims; overwritten by --dims "0,1,2,3,4;1,2,4;..." to match Java exactly
    pattern = [[0, 1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 4], [0, 1, 2, 4], [1, 2, 3, 4]]
    return [pattern[i % len(pattern)] for i in range(AGENTS)]


def uniform(fan_in, *shape):
    b = 1.0 / math.sqrt(fan_in)
    return torch.empty(*shape).uniform_(-b, b).requires_grad_(True)


class Dense:
    """y = x W^T + b, one fused linear (Dense.java). W [out, in]."""

    def __init__(self, i, o):
        self.w = uniform(i, o, i)
        self.b = uniform(i, o)

    def __call__(self, x):
        return F.linear(x, self.w, self.b)

    def params(self):
        return [self.w, self.b]


class StackedDense:
    """Per-agent layer as one batched matmul (StackedDense.java): W [A, in, out], b [A, 1, out]."""

    def __init__(self, a, i, o):
        self.w = uniform(i, a, i, o)
        self.b = uniform(i, a, 1, o)

    def __call__(self, x):
        return torch.matmul(x, self.w) + self.b

    def params(self):
        return [self.w, self.b]


class Actor:
    def __init__(self, k, lo, hi):
        self.k = k
        self.l1 = Dense(OBS, HIDDEN)
        self.l2 = Dense(HIDDEN, HIDDEN)
        self.mu = Dense(HIDDEN, k)
        self.logstd = Dense(HIDDEN, k)
        with torch.no_grad():
            self.half = (hi - lo) * 0.5
            self.mid = (hi + lo) * 0.5
            self.log_half = self.half.log()

    def params(self):
        return self.l1.params() + self.l2.params() + self.mu.params() + self.logstd.params()

    def sample(self, obs, eps):
        h = F.relu(self.l1(obs))
        h = F.relu(self.l2(h))
        mean = self.mu(h)
        log_std = torch.minimum(torch.maximum(self.logstd(h), C_LOG_STD_MIN), C_LOG_STD_MAX)
        std = log_std.exp()
        u = eps * std + mean
        y = u.tanh()
        action = y * self.half + self.mid
        gauss = (eps.square() * C_NEG_HALF) - log_std - C_HALF_LOG_2PI
        softplus = F.softplus(u * C_NEG_TWO)
        log_one_minus_tanh_sq = ((u + softplus).neg() + C_LOG2) * C_TWO
        log_prob = (gauss - log_one_minus_tanh_sq - self.log_half).sum(-1)
        return mean, log_std, std, u, y, action, log_prob

    def greedy(self, obs):
        h = F.relu(self.l1(obs))
        h = F.relu(self.l2(h))
        return self.mu(h).tanh() * self.half + self.mid


class Actors:
    def __init__(self, dims):
        self.actors = []
        self.scatter = []
        for d in dims:
            k = len(d)
            lo = torch.tensor([-10.0 - j for j in range(k)])
            hi = torch.tensor([10.0 + 2 * j for j in range(k)])
            self.actors.append(Actor(k, lo, hi))
            m = torch.zeros(k, ADIM)
            for j, dim in enumerate(d):
                m[j, dim] = 1.0
            self.scatter.append(m)

    def noise(self, b):
        return [torch.randn(b, a.k) for a in self.actors]

    def sample(self, obs, eps):
        per, sq, act, lp = [], [], [], []
        for i, a in enumerate(self.actors):
            s = a.sample(obs[:, i, :], eps[i])
            per.append(s)
            sq.append(s[4].matmul(self.scatter[i]))
            act.append(s[5].matmul(self.scatter[i]))
            lp.append(s[6])
        return per, torch.stack(sq, 1), torch.stack(act, 1), torch.stack(lp, 1)


class MlpCritic:
    def __init__(self, action_dim):
        self.action_dim = action_dim
        i = AGENTS * (OBS + action_dim)
        self.l1 = Dense(i, HIDDEN)
        self.l2 = Dense(HIDDEN, HIDDEN)
        self.out = Dense(HIDDEN, AGENTS)

    def params(self):
        return self.l1.params() + self.l2.params() + self.out.params()

    def forward(self, obs, actions):
        b = obs.shape[0]
        x = obs.reshape(b, AGENTS * OBS)
        if self.action_dim > 0:
            x = torch.cat([x, actions.reshape(b, AGENTS * self.action_dim)], 1)
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        return self.out(h)


class AttentionCritic:
    def __init__(self, action_dim):
        self.action_dim = action_dim
        i = OBS + action_dim
        self.embed1 = StackedDense(AGENTS, i, D_MODEL)
        self.embed2 = StackedDense(AGENTS, D_MODEL, D_MODEL)
        self.wq = uniform(D_MODEL, D_MODEL, 2 * HEADS * D_K)
        self.wk = uniform(D_MODEL, D_MODEL, 2 * HEADS * D_K)
        self.wv = uniform(D_MODEL, D_MODEL, HEADS * D_K)
        self.wo = uniform(HEADS * D_K, HEADS * D_K, D_MODEL)
        self.xi = [(torch.randn(HEADS, D_K) * 0.1).requires_grad_(True) for _ in range(4)]
        self.head1 = StackedDense(AGENTS, 2 * D_MODEL, HIDDEN)
        self.head_out = StackedDense(AGENTS, HIDDEN, 1)

    def params(self):
        return (self.embed1.params() + self.embed2.params() + [self.wq, self.wk, self.wv, self.wo] + self.xi
                + self.head1.params() + self.head_out.params())

    def forward(self, obs, actions):
        b = obs.shape[0]
        x = torch.cat([obs, actions], 2) if self.action_dim > 0 else obs          # [B, N, in]
        xt = x.transpose(0, 1)                                                     # [N, B, in]
        e = self.embed2(F.relu(self.embed1(xt))).transpose(0, 1)                   # E [B, N, d]
        att = self.attention(e)
        z = torch.cat([att, e], 2).transpose(0, 1)                                 # [N, B, 2d]
        h = F.relu(self.head1(z))
        return self.head_out(h).reshape(AGENTS, b).transpose(0, 1)                 # [B, N]

    def attention(self, e):
        b, n = e.shape[0], e.shape[1]
        q = e.matmul(self.wq).reshape(b, n, HEADS, 2, D_K).permute(0, 2, 3, 1, 4)   # eq 31
        k = e.matmul(self.wk).reshape(b, n, HEADS, 2, D_K).permute(0, 2, 3, 1, 4)
        v = e.matmul(self.wv).reshape(b, n, HEADS, D_K).permute(0, 2, 1, 3)
        p = (q.matmul(k.transpose(3, 4)) * C_INV_SQRT_DK).softmax(-1)              # eq 32
        p1 = p[:, :, 0]
        p2 = p[:, :, 1]
        xi1, xk1, xi2, xk2 = self.xi
        xi = ((xi1 * xk1).sum(1).exp() - (xi2 * xk2).sum(1).exp() + C_XI_INIT).reshape(1, HEADS, 1, 1)  # eq 34
        head = (p1 - p2 * xi).matmul(v)                                            # eq 32
        return head.permute(0, 2, 1, 3).reshape(b, n, HEADS * D_K).matmul(self.wo)  # eq 33


def c(v):
    return torch.tensor(v, dtype=torch.float32)


C_LOG_STD_MIN = c(LOG_STD_MIN)
C_LOG_STD_MAX = c(LOG_STD_MAX)
C_NEG_HALF = c(-0.5)
C_HALF_LOG_2PI = c(HALF_LOG_2PI)
C_NEG_TWO = c(-2.0)
C_TWO = c(2.0)
C_LOG2 = c(math.log(2))
C_INV_SQRT_DK = c(1.0 / math.sqrt(D_K))
C_XI_INIT = c(XI_INIT)
C_HALF = c(0.5)
C_FLOOR = c(1e-10)


def set_trainable(params, on):
    for p in params:
        p.requires_grad_(on)


class Learner:
    def __init__(self, kind, dims, foreach):
        critic = MlpCritic if kind == "OP" else AttentionCritic
        self.actors = Actors(dims)
        self.q1 = critic(ADIM)
        self.q2 = critic(ADIM)
        self.v = critic(0)
        self.v_target = critic(0)
        with torch.no_grad():
            for t, s in zip(self.v_target.params(), self.v.params()):
                t.copy_(s)
        set_trainable(self.v_target.params(), False)
        opt = (lambda ps: torch.optim.Adam(ps, lr=LR, foreach=True)) if foreach else (
            lambda ps: torch.optim.Adam(ps, lr=LR))
        self.q1_adam = opt(self.q1.params())
        self.q2_adam = opt(self.q2.params())
        self.v_adam = opt(self.v.params())
        self.actor_adams = [opt(a.params()) for a in self.actors.actors]
        self.lam = [LAMBDA0] * AGENTS

    def update(self, bt):
        obs, next_obs, act, reward, not_done, weights, lab, inv_lab, n_lab, expert = bt
        # (1) critics, eq 36
        with torch.no_grad():
            y = self.v_target.forward(next_obs, None) * not_done * GAMMA + reward
        q1 = self.q1.forward(obs, act)
        q2 = self.q2.forward(obs, act)
        loss_q1 = (((q1 - y).square() * C_HALF).mean(1) * weights).mean()
        loss_q2 = (((q2 - y).square() * C_HALF).mean(1) * weights).mean()
        (loss_q1 + loss_q2).backward()
        q1_loss = loss_q1.item()
        q2_loss = loss_q2.item()
        with torch.no_grad():
            td = (((q1 - y).abs() + (q2 - y).abs()) * C_HALF).mean(1).tolist()
        self.q1_adam.step()
        self.q2_adam.step()
        self.q1_adam.zero_grad(set_to_none=False)
        self.q2_adam.zero_grad(set_to_none=False)

        # (2) V (eq 35) and actors (eq 39), Q frozen
        lam = torch.tensor(self.lam) if n_lab > 0 else torch.zeros(AGENTS)
        eps_arr = torch.tensor(EPSILON)
        set_trainable(self.q1.params(), False)
        set_trainable(self.q2.params(), False)
        try:
            per, squashed, _, log_prob = self.actors.sample(obs, self.actors.noise(obs.shape[0]))
            min_q = torch.minimum(self.q1.forward(obs, squashed), self.q2.forward(obs, squashed))
            d = self.v.forward(obs, None) - min_q.detach()
            loss_v = (d.square().mean(1) * weights).mean()
            q_term = min_q.mean(0).sum().neg()
            entropy_term = log_prob.mean(0).sum() * ALPHA
            w2, sigma = [], []
            for i in range(AGENTS):
                mean, _, std = per[i][0], per[i][1], per[i][2]
                sq = (mean - expert[i]).square() + std.square()              # eq 30
                rows = (sq.sum(-1) + C_FLOOR).sqrt()
                w2.append((rows * lab).sum() * inv_lab)
                sigma.append(std.mean())
            w2_mean = torch.stack(w2)
            imitation = ((w2_mean - eps_arr) * lam).sum()
            actor_loss = q_term * Q_WEIGHT + entropy_term + imitation
            (loss_v + actor_loss).backward()
            stats = (loss_v.item(), q_term.item(), entropy_term.item(), imitation.item(), actor_loss.item())
            w2_list = w2_mean.detach().tolist()
            mean_sigma = torch.stack(sigma).detach().mean().item()
            mean_q = min_q.detach().mean().item()
        finally:
            set_trainable(self.q1.params(), True)
            set_trainable(self.q2.params(), True)
        self.v_adam.step()
        self.v_adam.zero_grad(set_to_none=False)
        for a in self.actor_adams:
            a.step()
            a.zero_grad(set_to_none=False)
        # (3) eq 40
        if n_lab > 0:
            self.lam = [max(0.0, l + LR_LAMBDA * (w - EPSILON)) for l, w in zip(self.lam, w2_list)]
        # (4) eq 37
        with torch.no_grad():
            for t, s in zip(self.v_target.params(), self.v.params()):
                t.mul_(1 - TAU).add_(s * TAU)
        return q1_loss + q2_loss, stats, mean_sigma, mean_q, td


def make_batches(dims, count, gen):
    out = []
    for _ in range(count):
        obs = torch.rand(BATCH, AGENTS, OBS, generator=gen) * 2 - 1
        nxt = torch.rand(BATCH, AGENTS, OBS, generator=gen) * 2 - 1
        act = torch.zeros(BATCH, AGENTS, ADIM)
        for i, d in enumerate(dims):
            act[:, i, d] = torch.rand(BATCH, len(d), generator=gen) * 1.9 - 0.95
        reward = (torch.rand(BATCH, 1, generator=gen) * 3 - 1.5) * 2 / 3
        not_done = (torch.rand(BATCH, 1, generator=gen) > 1 / 96).float()
        weights = torch.rand(BATCH, generator=gen) * 0.5 + 0.5
        lab = (torch.rand(BATCH, generator=gen) < 0.3).float()
        n_lab = int(lab.sum().item())
        inv_lab = torch.tensor(0.0 if n_lab == 0 else 1.0 / n_lab)
        expert = [torch.atanh(torch.rand(BATCH, len(d), generator=gen) * 1.6 - 0.8) * lab.unsqueeze(1) for d in dims]
        out.append((obs, nxt, act, reward, not_done, weights, lab, inv_lab, n_lab, expert))
    return out


def run(kind, dims, warmup, iters, foreach):
    torch.manual_seed(1)
    learner = Learner(kind, dims, foreach)
    batches = make_batches(dims, 32, torch.Generator().manual_seed(11))
    n_params = sum(p.numel() for p in learner.q1.params())
    for k in range(warmup):
        learner.update(batches[k % len(batches)])
    times = []
    last = None
    for k in range(iters):
        t0 = time.perf_counter()
        last = learner.update(batches[(warmup + k) % len(batches)])
        times.append((time.perf_counter() - t0) * 1e3)
    print(f"{kind:6s} update (batch {BATCH}, {AGENTS} agents, hidden {HIDDEN}, Q params {n_params}): "
          f"median {statistics.median(times):.2f} ms, min {min(times):.2f}, max {max(times):.2f}, "
          f"n={iters} after {warmup} warm-up; critic loss {last[0]:.4f}", flush=True)
    return times


def decision(dims, iters=20000):
    a = Actors(dims).actors[0]
    obs = torch.rand(1, OBS) * 2 - 1
    with torch.no_grad():
        for _ in range(2000):
            a.greedy(obs).tolist()
        best = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(iters // 5):
                a.greedy(obs).tolist()
            best.append((time.perf_counter() - t0) / (iters // 5) * 1e6)
    print(f"actor decision batch 1 (no_grad, .tolist()): median {statistics.median(best):.1f} us, "
          f"min {min(best):.1f}, max {max(best):.1f} (5 rounds of {iters // 5})", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--algo", default="both", choices=["OP", "OP-MH", "both"])
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--iters", type=int, default=40)
    p.add_argument("--dims", default=None, help="own action dims per agent, 'a,b;c,d;...' (20 groups)")
    p.add_argument("--foreach", action="store_true", help="torch.optim.Adam(foreach=True)")
    p.add_argument("--decision", action="store_true", help="also time the batch-1 actor forward")
    args = p.parse_args()
    dims = default_dims() if args.dims is None else [[int(x) for x in g.split(",")] for g in args.dims.split(";")]
    if len(dims) != AGENTS:
        sys.exit(f"need {AGENTS} agents' dims, got {len(dims)}")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}/{torch.get_num_interop_threads()}, "
          f"own dims per agent {[len(d) for d in dims]}, Adam foreach={args.foreach}", flush=True)
    algos = ["OP", "OP-MH"] if args.algo == "both" else [args.algo]
    for a in algos:
        run(a, dims, args.warmup, args.iters, args.foreach)
    if args.decision:
        decision(dims)


if __name__ == "__main__":
    main()
