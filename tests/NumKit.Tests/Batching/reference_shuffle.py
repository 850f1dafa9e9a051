"""An independent reference for NumKit's seeded shuffles, transcribed from the published C code.

SplitMix64 (https://prng.di.unimi.it/splitmix64.c), xoshiro256** 1.0
(https://prng.di.unimi.it/xoshiro256starstar.c), Lemire's nearly divisionless bounded integer
(arXiv:1805.10941, on the upper 32 bits of each output) and Fisher-Yates from the last index down.
Epoch e of seed s: xoshiro's state is SplitMix64 outputs 4e .. 4e+3 of the stream seeded with s.

Run: python3 reference_shuffle.py   (prints the permutations pinned in MiniBatchIteratorTests.cs)
"""

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def splitmix64(state):
    """Returns (next state, output)."""
    state = (state + GAMMA) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256StarStar:
    def __init__(self, s):
        self.s = list(s)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, bound):
        x = self.next() >> 32
        m = x * bound
        low = m & 0xFFFFFFFF
        if low < bound:
            threshold = (2**32 - bound) % bound
            while low < threshold:
                x = self.next() >> 32
                m = x * bound
                low = m & 0xFFFFFFFF
        return m >> 32


def epoch_permutation(seed, epoch, m):
    state = (seed + 4 * epoch * GAMMA) & MASK
    words = []
    for _ in range(4):
        state, out = splitmix64(state)
        words.append(out)
    rng = Xoshiro256StarStar(words)
    perm = list(range(m))
    for i in range(m - 1, 0, -1):
        j = rng.below(i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


if __name__ == "__main__":
    for seed, epoch, m in [(0, 0, 10), (42, 0, 16), (42, 1, 16), (42, 5, 16), (12345678901234567890, 3, 20)]:
        print(f"seed={seed} epoch={epoch} m={m}: {epoch_permutation(seed, epoch, m)}")
    # A bound of 3 * 2^30 rejects every draw whose upper 32 bits are a multiple of 4 (a quarter of them):
    # from state (1, 2, 3, 4) the first six are, so this exercises Lemire's rejection loop.
    rng = Xoshiro256StarStar([1, 2, 3, 4])
    print(f"below(3 * 2^30) from state (1, 2, 3, 4): {[rng.below(3 * 2**30) for _ in range(12)]}")
