"""The draw's algorithm (facilities/drawing.py) on its own: fair, spreading, reproducible.

Pure functions, no database. The seeds are derived from fixed labels, so each test is
deterministic; the statistical bounds say how often a fair algorithm would fail them with
seeds chosen at random (the false-alarm rate).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter, defaultdict

from facilities.drawing import Entry, commitment_of, draw, lottery_value, verify

DRAWS = 10_000


def seed_for(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def test_each_applicant_of_a_contested_block_wins_one_time_in_n():
    """10,000 draws of one block with n = 5 applicants: each applicant's wins follow
    Binomial(10,000, 1/5) (mean 2,000, standard deviation 40). The test allows 4.5 standard
    deviations (±180): a fair draw leaves that band with probability 6.8×10⁻⁶ per applicant,
    so the test raises a false alarm about 3.4×10⁻⁵ of the time (5 applicants)."""
    applicants = 5
    entries = [Entry(100 + i, f"A{i:03d}", "1/2027-02-09/09:00") for i in range(applicants)]
    wins: Counter[int] = Counter()
    for n in range(DRAWS):
        (winner,) = draw(seed_for(f"fairness:{n}"), entries).values()
        wins[winner] += 1
    mean = DRAWS / applicants
    sd = math.sqrt(DRAWS * (1 / applicants) * (1 - 1 / applicants))
    assert sum(wins.values()) == DRAWS
    for entry in entries:
        assert abs(wins[entry.number] - mean) <= 4.5 * sd, (entry.number, wins)


def random_round(rng: random.Random, groups: int, blocks: int) -> list[Entry]:
    entries = []
    number = 1
    for group in range(groups):
        for block in rng.sample(range(blocks), rng.randint(1, min(6, blocks))):
            entries.append(Entry(number, f"A{group:03d}", f"1/2027-02-{block + 1:02d}/09:00"))
            number += 1
    return entries


def wins_of(entries: list[Entry], winners: dict[str, int]) -> Counter[str]:
    by_number = {e.number: e for e in entries}
    return Counter(by_number[number].applicant for number in winners.values())


def test_no_group_wins_two_blocks_while_another_applicant_of_them_wins_none():
    rng = random.Random(20261203)
    for trial in range(300):
        entries = random_round(rng, groups=rng.randint(2, 12), blocks=rng.randint(1, 15))
        winners = draw(seed_for(f"spread:{trial}"), entries)
        wins = wins_of(entries, winners)
        applicants: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            applicants[entry.block].add(entry.applicant)
        by_number = {e.number: e for e in entries}
        # Every block that has applications has a winner who applied for it.
        assert set(winners) == set(applicants)
        for block, number in winners.items():
            holder = by_number[number].applicant
            assert holder in applicants[block]
            if wins[holder] >= 2:
                assert all(wins[other] >= 1 for other in applicants[block]), (trial, block)
            # The stronger form: nobody of the block is two or more wins behind the holder.
            assert all(wins[other] >= wins[holder] - 1 for other in applicants[block])


def test_the_spreading_case_a_plain_draw_gets_wrong():
    """A applies for X and Y, B only for X. Whatever the values, B gets X and A gets Y."""
    entries = [Entry(1, "A", "X"), Entry(2, "A", "Y"), Entry(3, "B", "X")]
    for n in range(200):
        assert draw(seed_for(f"case:{n}"), entries) == {"X": 3, "Y": 2}


def test_the_same_seed_and_applications_give_the_same_winners_in_any_order():
    rng = random.Random(7)
    entries = random_round(rng, groups=30, blocks=20)
    seed = seed_for("order")
    shuffled = entries[:]
    rng.shuffle(shuffled)
    assert draw(seed, entries) == draw(seed, shuffled)
    assert draw(seed, entries) != draw(seed_for("other seed"), entries)


def test_verify_recomputes_a_published_result_and_names_a_difference():
    entries = [Entry(n, f"A{n % 3:03d}", f"1/2027-02-{n % 4 + 1:02d}/13:00") for n in range(12)]
    seed = seed_for("verify")
    winners = set(draw(seed, entries).values())
    published = {
        "seed": seed,
        "commitment": commitment_of(seed),
        "applications": [
            {
                "number": e.number,
                "applicant": e.applicant,
                "block": e.block,
                "result": "当選" if e.number in winners else "落選",
            }
            for e in entries
        ],
    }
    assert verify(published).startswith("OK: 12件の申込み、4区分")
    loser = next(a for a in published["applications"] if a["result"] == "落選")
    loser["result"] = "当選"
    try:
        verify(published)
    except ValueError as error:
        assert loser["block"] in str(error)
    else:
        raise AssertionError("a changed result was not noticed")


def test_lottery_values_are_sha256_of_seed_and_label():
    assert lottery_value("abc", 12) == hashlib.sha256(b"abc:12").hexdigest()
    assert commitment_of("abc") == hashlib.sha256(b"abc").hexdigest()
