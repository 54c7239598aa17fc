"""The search kernel, compiled by Numba: state arrays in, improved state out.

The state of a grouping is `assign` (element -> group) with three derived arrays kept in step:
`size` (weight per group), `gain` (gain[i, g] = sum of d(i, j) over j in group g) and `clash`
(clash[i, g] = how many of i's keep-apart partners are in g). Moving one element or swapping two
is then scored in constant time and applied in O(n): the machinery of the best published MDGP
heuristics (iterated tabu search, Lai & Hao 2016; Yang et al. 2022), with moves filtered by the
hard rules.
"""

import numpy as np
from numba import njit

EPS = 1e-9


@njit(cache=True)
def seed(value: int) -> None:
    np.random.seed(value)


@njit(cache=True)
def _add(d, weight, adj_ptr, adj, size, gain, clash, j, g):
    """Count element j into group g's size, gains and clashes."""
    size[g] += weight[j]
    for i in range(d.shape[0]):
        gain[i, g] += d[i, j]
    for k in range(adj_ptr[j], adj_ptr[j + 1]):
        clash[adj[k], g] += 1


@njit(cache=True)
def rebuild(d, weight, adj_ptr, adj, assign, m, size, gain, clash):
    size[:] = 0
    gain[:, :] = 0.0
    clash[:, :] = 0
    for j in range(assign.shape[0]):
        _add(d, weight, adj_ptr, adj, size, gain, clash, j, assign[j])


@njit(cache=True)
def objective(d, assign):
    n = assign.shape[0]
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            if assign[i] == assign[j]:
                total += d[i, j]
    return total


@njit(cache=True)
def _apart(adj_ptr, adj, x, y):
    for k in range(adj_ptr[x], adj_ptr[x + 1]):
        if adj[k] == y:
            return 1
    return 0


@njit(cache=True)
def _move(d, weight, adj_ptr, adj, assign, size, gain, clash, i, g):
    p = assign[i]
    n = assign.shape[0]
    for k in range(n):
        gain[k, p] -= d[k, i]
        gain[k, g] += d[k, i]
    for k in range(adj_ptr[i], adj_ptr[i + 1]):
        clash[adj[k], p] -= 1
        clash[adj[k], g] += 1
    size[p] -= weight[i]
    size[g] += weight[i]
    assign[i] = g


@njit(cache=True)
def _can_move(weight, movable, lo, hi, assign, size, clash, i, g):
    p = assign[i]
    return (
        p != g
        and movable[i]
        and clash[i, g] == 0
        and size[p] - weight[i] >= lo[p]
        and size[g] + weight[i] <= hi[g]
    )


@njit(cache=True)
def _can_swap(weight, movable, lo, hi, adj_ptr, adj, assign, size, clash, x, y):
    p = assign[x]
    q = assign[y]
    if p == q or not movable[x] or not movable[y]:
        return False
    if weight[x] != weight[y]:
        dp = size[p] - weight[x] + weight[y]
        dq = size[q] - weight[y] + weight[x]
        if dp < lo[p] or dp > hi[p] or dq < lo[q] or dq > hi[q]:
            return False
    if clash[x, q] == 0 and clash[y, p] == 0:
        return True
    both = _apart(adj_ptr, adj, x, y)
    return clash[x, q] - both == 0 and clash[y, p] - both == 0


@njit(cache=True)
def descend(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash):
    """First-improvement descent over one-moves, then swaps, until neither improves: a quick
    first local optimum, where a tabu search from a random grouping would take many slow steps."""
    n = assign.shape[0]
    m = lo.shape[0]
    improved = True
    total = 0.0
    while improved:
        improved = False
        order = np.random.permutation(n)
        for a in range(n):
            i = order[a]
            p = assign[i]
            best_g = -1
            best = EPS
            for g in range(m):
                if g != p:
                    delta = gain[i, g] - gain[i, p]
                    if delta > best and _can_move(
                        weight, movable, lo, hi, assign, size, clash, i, g
                    ):
                        best = delta
                        best_g = g
            if best_g >= 0:
                _move(d, weight, adj_ptr, adj, assign, size, gain, clash, i, best_g)
                total += best
                improved = True
        for a in range(n):
            x = order[a]
            for y in range(x + 1, n):  # each pair once
                p = assign[x]
                q = assign[y]
                if p == q:
                    continue
                delta = gain[x, q] - gain[x, p] + gain[y, p] - gain[y, q] - 2.0 * d[x, y]
                if delta > EPS and _can_swap(
                    weight, movable, lo, hi, adj_ptr, adj, assign, size, clash, x, y
                ):
                    _move(d, weight, adj_ptr, adj, assign, size, gain, clash, x, q)
                    _move(d, weight, adj_ptr, adj, assign, size, gain, clash, y, p)
                    total += delta
                    improved = True
    return total


@njit(cache=True)
def _index(assign, m, start, members):
    """Members of each group g as members[start[g]:start[g + 1]] (a counting sort)."""
    start[:] = 0
    for i in range(assign.shape[0]):
        start[assign[i] + 1] += 1
    for g in range(m):
        start[g + 1] += start[g]
    fill = start[:m].copy()
    for i in range(assign.shape[0]):
        members[fill[assign[i]]] = i
        fill[assign[i]] += 1


@njit(cache=True)
def tabu(
    d, floor, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash,
    depth, tenure, until, clock, stop, value,
):  # fmt: skip
    """Tabu search from `assign` (worth `value`) until `depth` steps bring no new best, or the
    clock (counting steps) reaches `stop`; `assign` ends at the best grouping seen, which is a local
    optimum for moves and swaps unless the search was stopped. Returns (its value, clock).

    Each step takes the best feasible move or swap, even a worsening one; an element that left a
    group may not return to it for about `tenure` steps (`until[i, g]` holds the step it may),
    unless that makes a new best. `floor` is the smallest diversity between two people: with it,
    a bound skips every swap between x and a group that cannot beat the best step found so far,
    which makes a step several times cheaper than scanning all pairs.
    """
    n = assign.shape[0]
    m = lo.shape[0]
    own = np.empty(n)
    top = np.empty((m, m))  # top[q, p]: the most any movable y in q gains by going to p
    start = np.empty(m + 1, dtype=np.int64)
    members = np.empty(n, dtype=np.int64)
    best_value = value
    best = assign.copy()
    since = 0
    while since < depth and clock < stop:
        clock += 1
        _index(assign, m, start, members)
        for i in range(n):
            own[i] = gain[i, assign[i]]
        top[:, :] = -np.inf
        for y in range(n):
            if movable[y]:
                q = assign[y]
                for p in range(m):
                    top[q, p] = max(top[q, p], gain[y, p] - own[y])
        step = -np.inf
        ties = 0  # steps as good as the best so far: one is taken at random
        taken = 0.0
        bx = -1
        by = -1
        bg = -1
        for i in range(n):
            p = assign[i]
            if not movable[i] or size[p] - weight[i] < lo[p]:
                continue
            for g in range(m):
                delta = gain[i, g] - own[i]
                if (
                    g != p
                    and delta > step - EPS
                    and size[g] + weight[i] <= hi[g]
                    and clash[i, g] == 0
                    and (until[i, g] <= clock or value + delta > best_value + EPS)
                ):
                    ties = 1 if delta > step + EPS else ties + 1
                    if ties == 1 or np.random.randint(ties) == 0:
                        step, taken = max(step, delta), delta
                        bx, by, bg = i, -1, g
        for x in range(n):
            if not movable[x]:
                continue
            p = assign[x]
            for q in range(p + 1, m):
                base = gain[x, q] - own[x]
                if base + top[q, p] - 2.0 * floor < step - EPS:
                    continue
                for k in range(start[q], start[q + 1]):
                    y = members[k]
                    delta = base + gain[y, p] - own[y] - 2.0 * d[x, y]
                    if (
                        delta > step - EPS
                        and _can_swap(
                            weight, movable, lo, hi, adj_ptr, adj, assign, size, clash, x, y
                        )
                        and (
                            (until[x, q] <= clock and until[y, p] <= clock)
                            or value + delta > best_value + EPS
                        )
                    ):
                        ties = 1 if delta > step + EPS else ties + 1
                        if ties == 1 or np.random.randint(ties) == 0:
                            step, taken = max(step, delta), delta
                            bx, by, bg = x, y, q
        if bx < 0:
            break  # nothing can move
        p = assign[bx]
        hold = tenure // 2 + np.random.randint(tenure + 1)
        _move(d, weight, adj_ptr, adj, assign, size, gain, clash, bx, bg)
        until[bx, p] = clock + hold
        if by >= 0:
            _move(d, weight, adj_ptr, adj, assign, size, gain, clash, by, p)
            until[by, bg] = clock + hold
        value += taken
        if value > best_value + EPS:
            best_value = value
            best[:] = assign
            since = 0
        else:
            since += 1
    assign[:] = best
    rebuild(d, weight, adj_ptr, adj, assign, m, size, gain, clash)
    return best_value, clock


@njit(cache=True)
def perturb(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash, strength):
    """`strength` random feasible swaps or moves, whatever they cost."""
    n = assign.shape[0]
    m = lo.shape[0]
    done = 0
    tries = 0
    total = 0.0
    while done < strength and tries < strength * 50:
        tries += 1
        x = np.random.randint(n)
        if np.random.random() < 0.5:
            y = np.random.randint(n)
            if _can_swap(weight, movable, lo, hi, adj_ptr, adj, assign, size, clash, x, y):
                p = assign[x]
                q = assign[y]
                total += gain[x, q] - gain[x, p] + gain[y, p] - gain[y, q] - 2.0 * d[x, y]
                _move(d, weight, adj_ptr, adj, assign, size, gain, clash, x, q)
                _move(d, weight, adj_ptr, adj, assign, size, gain, clash, y, p)
                done += 1
        else:
            g = np.random.randint(m)
            if _can_move(weight, movable, lo, hi, assign, size, clash, x, g):
                total += gain[x, g] - gain[x, assign[x]]
                _move(d, weight, adj_ptr, adj, assign, size, gain, clash, x, g)
                done += 1
    return total


@njit(cache=True)
def shift(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash):
    """Move a random number of people from one set that has room to spare to one that has room to
    grow. Single moves rarely change which sets end up full, as each one costs a lot; this kick
    lets the search try another arrangement of sizes."""
    n = assign.shape[0]
    m = lo.shape[0]
    total = 0.0
    for _ in range(20):  # look for two such sets
        p = np.random.randint(m)
        q = np.random.randint(m)
        if p == q or size[p] <= lo[p] or size[q] >= hi[q]:
            continue
        count = 1 + np.random.randint(min(size[p] - lo[p], hi[q] - size[q]))
        for _ in range(20 * count):
            i = np.random.randint(n)
            if assign[i] == p and _can_move(weight, movable, lo, hi, assign, size, clash, i, q):
                total += gain[i, q] - gain[i, p]
                _move(d, weight, adj_ptr, adj, assign, size, gain, clash, i, q)
                count -= 1
                if count == 0:
                    break
        break
    return total


@njit(cache=True)
def construct(d, weight, movable, lo, hi, adj_ptr, adj, assign, m, size, gain, clash):
    """A random feasible grouping: fill every group to its lower bound, then place the rest.

    Elements already placed (assign >= 0, the pinned ones) stay. Returns False when the
    keep-apart rules left an element with nowhere to go (the caller tries another order).
    """
    n = assign.shape[0]
    size[:] = 0
    gain[:, :] = 0.0
    clash[:, :] = 0
    placed = np.zeros(n, dtype=np.bool_)
    for j in range(n):
        if assign[j] >= 0:
            placed[j] = True
            _add(d, weight, adj_ptr, adj, size, gain, clash, j, assign[j])
    # The most constrained first: many keep-apart partners, heavy units; ties at random.
    key = np.empty(n)
    for i in range(n):
        key[i] = -(adj_ptr[i + 1] - adj_ptr[i]) * 10.0 - weight[i] + np.random.random()
    order = np.argsort(key)
    for a in range(n):
        i = order[a]
        if placed[i]:
            continue
        best_g = -1
        best_score = -1e300
        for g in range(m):
            if clash[i, g] != 0 or size[g] + weight[i] > hi[g]:
                continue
            # A group below its lower bound comes first; then the one where i adds most diversity.
            score = gain[i, g] / (size[g] + 1.0)
            if size[g] < lo[g]:
                score += 1e12
            if score > best_score:
                best_score = score
                best_g = g
        if best_g < 0:
            return False
        assign[i] = best_g
        placed[i] = True
        _add(d, weight, adj_ptr, adj, size, gain, clash, i, best_g)
    return np.all(size >= lo)


@njit(cache=True)
def iterate(
    d, floor, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash, best,
    rounds, strength, shifts, slack, patience, depth, tenure, until, clock, stale, stop,
):  # fmt: skip
    """Iterated tabu search from `assign` for `rounds` rounds or until the clock (counting tabu
    steps) reaches `stop`; the best grouping seen is kept in `best`. Returns (its objective, the
    clock, `stale` (rounds since a new best) and the rounds done). `assign` ends at the current
    (accepted) grouping.

    Each round kicks the grouping with a random number (1 to 2 x `strength`) of random moves (or,
    in a share `shifts` of rounds where set sizes may vary, with a `shift`), then runs a tabu
    search from it. Acceptance is record-to-record travel: a result within `slack` (a fraction) of
    the best is explored further; after `patience` rounds without a new best the search returns
    to the best.
    """
    m = lo.shape[0]
    flexible = np.any(lo < hi)
    current = objective(d, assign)
    best_value = objective(d, best)
    saved = assign.copy()
    done = 0
    while done < rounds and clock < stop:
        done += 1
        saved[:] = assign
        kick = 1 + np.random.randint(2 * strength)
        value = current
        if flexible and np.random.random() < shifts:
            value += shift(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash)
        else:
            value += perturb(
                d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash, kick
            )
        value, clock = tabu(
            d, floor, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash,
            depth, tenure, until, clock, stop, value,
        )  # fmt: skip
        stale += 1
        if value > best_value + EPS:
            best_value = value
            best[:] = assign
            stale = 0
        if stale >= patience:
            assign[:] = best
            rebuild(d, weight, adj_ptr, adj, assign, m, size, gain, clash)
            current = best_value
            stale = 0
        elif value > current + EPS or value >= best_value * (1.0 - slack):
            current = value
        else:
            assign[:] = saved
            rebuild(d, weight, adj_ptr, adj, assign, m, size, gain, clash)
    return best_value, clock, stale, done


@njit(cache=True)
def _group_values(d, assign, m, alive):
    """The within-group diversity of each group, counting only elements still `alive`."""
    n = assign.shape[0]
    value = np.zeros(m)
    for i in range(n):
        if alive[i]:
            for j in range(i + 1, n):
                if alive[j] and assign[i] == assign[j]:
                    value[assign[i]] += d[i, j]
    return value


@njit(cache=True)
def crossover(d, weight, movable, lo, hi, adj_ptr, adj, first, second, child, size, gain, clash):
    """A child of two groupings that inherits their best groups whole: in turn (each time from
    one parent or the other at random) the parent's most diverse group, of the people not yet
    placed, goes into a free set of the child that can hold it (its own set when it holds
    pinned people, whose place is fixed). The people left are placed at random where they fit,
    sets below their lower bound first. Returns False when the rules left someone nowhere to go
    (the caller keeps the parent)."""
    n = first.shape[0]
    m = lo.shape[0]
    child[:] = -1
    alive = np.ones(n, dtype=np.bool_)
    free = np.ones(m, dtype=np.bool_)
    size[:] = 0
    for _ in range(m):
        parent = first if np.random.random() < 0.5 else second
        value = _group_values(d, parent, m, alive)
        g = -1
        top = -np.inf
        for h in range(m):
            count = 0
            for i in range(n):
                if alive[i] and parent[i] == h:
                    count += weight[i]
            if count > 0 and value[h] > top:
                top = value[h]
                g = h
        if g < 0:
            break
        pinned = False
        count = 0
        for i in range(n):
            if alive[i] and parent[i] == g:
                count += weight[i]
                if not movable[i]:
                    pinned = True
        target = -1
        if pinned:
            target = g if free[g] else -1
        else:
            seen = 0
            for h in range(m):  # a free set that holds it, chosen at random
                if free[h] and hi[h] >= count:
                    seen += 1
                    if np.random.randint(seen) == 0:
                        target = h
        if target < 0:
            continue  # leave these people to be placed one by one
        for i in range(n):
            if alive[i] and parent[i] == g:
                child[i] = target
                alive[i] = False
                size[target] += weight[i]
        free[target] = False
    # Pinned people not yet placed go to their own set; the rest where they fit.
    for i in range(n):
        if child[i] < 0 and not movable[i]:
            child[i] = first[i]
            size[first[i]] += weight[i]
    order = np.random.permutation(n)
    clash[:, :] = 0
    for i in range(n):
        if child[i] >= 0:
            for k in range(adj_ptr[i], adj_ptr[i + 1]):
                clash[adj[k], child[i]] += 1
    # A set over its upper bound (only pinned people can cause it) cannot be helped: give up.
    for g in range(m):
        if size[g] > hi[g]:
            return False
    for pass_ in range(2):  # first to lower bounds, then anywhere with room
        for a in range(n):
            i = order[a]
            if child[i] >= 0:
                continue
            best = -1
            seen = 0
            for g in range(m):
                room = size[g] + weight[i] <= (lo[g] if pass_ == 0 else hi[g])
                if room and clash[i, g] == 0:
                    seen += 1
                    if np.random.randint(seen) == 0:
                        best = g
            if best >= 0:
                child[i] = best
                size[best] += weight[i]
                for k in range(adj_ptr[i], adj_ptr[i + 1]):
                    clash[adj[k], best] += 1
    for i in range(n):
        # Someone with nowhere to go, or kept apart from someone their inherited set holds.
        if child[i] < 0 or clash[i, child[i]] != 0:
            return False
    for g in range(m):
        if size[g] < lo[g]:
            return False
    rebuild(d, weight, adj_ptr, adj, child, m, size, gain, clash)
    return True


@njit(cache=True)
def reinsert(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash, times):
    """A directed kick, `times` over: take from every set the person who adds least to it and
    put them back one by one (in random order) where they add most, sets left below their
    lower bound first."""
    n = assign.shape[0]
    m = lo.shape[0]
    out = np.empty(m, dtype=np.int64)
    saved = assign.copy()
    for _ in range(times):
        count = 0
        for g in range(m):
            worst = -1
            low = np.inf
            for i in range(n):
                if assign[i] == g and movable[i] and gain[i, g] < low:
                    low = gain[i, g]
                    worst = i
            if worst >= 0:
                out[count] = worst
                count += 1
        # Take them out (moving to a placeholder keeps gains right: remove from their set).
        for c in range(count):
            i = out[c]
            g = assign[i]
            for k in range(n):
                gain[k, g] -= d[k, i]
            for k in range(adj_ptr[i], adj_ptr[i + 1]):
                clash[adj[k], g] -= 1
            size[g] -= weight[i]
            assign[i] = -1
        picks = np.random.permutation(count)
        for c in range(count):
            i = out[picks[c]]
            best = -1
            top = -np.inf
            for g in range(m):
                if size[g] + weight[i] > hi[g] or clash[i, g] != 0:
                    continue
                score = gain[i, g]
                if size[g] < lo[g]:
                    score += 1e12
                if score > top:
                    top = score
                    best = g
            if best < 0:  # the keep-apart rules left nowhere: undo the kick
                assign[:] = saved
                rebuild(d, weight, adj_ptr, adj, assign, m, size, gain, clash)
                return False
            assign[i] = best
            for k in range(n):
                gain[k, best] += d[k, i]
            for k in range(adj_ptr[i], adj_ptr[i + 1]):
                clash[adj[k], best] += 1
            size[best] += weight[i]
        for g in range(m):  # a heavy unit can leave a set short: then undo the kick
            if size[g] < lo[g]:
                assign[:] = saved
                rebuild(d, weight, adj_ptr, adj, assign, m, size, gain, clash)
                return False
    return True
