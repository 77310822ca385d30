"""The lottery's draw (抽選方式 "sha256-spread-v1"): the whole algorithm, standard library only.

This file is served as is at /facilities/lottery/drawing.py, so that anyone can re-run a
published draw and get the same winners:

    import json, urllib.request
    from drawing import verify
    data = json.load(urllib.request.urlopen(".../facilities/lottery/<番号>/result.json"))
    print(verify(data))  # "OK: …" when the seed matches its commitment and the winners match

The rule, as the public lottery page states it in Japanese:

1. Every application gets a lottery value: SHA-256 of "<seed>:<application number>" (hex).
   Every block (room/day/start time) gets one too: SHA-256 of "<seed>:<block>".
2. Blocks are decided in the order of their lottery values, smallest first. In each block the
   winner is the applicant that has won the fewest blocks so far in this round; among those,
   the application with the smallest lottery value.
3. Spreading: while some block is held by an applicant with at least two more wins than
   another applicant of that block, it goes to the one with the fewest wins (smallest value
   among them). So no group wins two blocks while another applicant of them wins none.

With one block and n applicants every applicant wins with probability 1/n: the lottery values
are uniform and independent, and the smallest one wins.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ALGORITHM = "sha256-spread-v1"


@dataclass(frozen=True)
class Entry:
    """One application: its number, who applied (a code, not a name) and the block."""

    number: int
    applicant: str
    block: str


def lottery_value(seed: str, label: str | int) -> str:
    return hashlib.sha256(f"{seed}:{label}".encode()).hexdigest()


def commitment_of(seed: str) -> str:
    """What is published before the draw: SHA-256 of the seed's text."""
    return hashlib.sha256(seed.encode()).hexdigest()


def draw(seed: str, entries: Iterable[Entry]) -> dict[str, int]:
    """The winning application number of every block that has applications."""
    by_block: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_block[entry.block].append(entry)
    values = {e.number: lottery_value(seed, e.number) for es in by_block.values() for e in es}
    order = sorted(by_block, key=lambda block: lottery_value(seed, block))
    wins: Counter[str] = Counter()
    winner: dict[str, Entry] = {}

    def best(candidates: list[Entry]) -> Entry:
        return min(candidates, key=lambda e: (wins[e.applicant], values[e.number]))

    for block in order:
        chosen = best(by_block[block])
        winner[block] = chosen
        wins[chosen.applicant] += 1

    # Spreading; ends because every move lowers the sum of squared wins.
    moved = True
    while moved:
        moved = False
        for block in order:
            holder = winner[block]
            behind = [e for e in by_block[block] if wins[e.applicant] + 2 <= wins[holder.applicant]]
            if behind:
                chosen = best(behind)
                wins[holder.applicant] -= 1
                wins[chosen.applicant] += 1
                winner[block] = chosen
                moved = True
    return {block: winner[block].number for block in order}


def verify(data: Mapping[str, Any]) -> str:
    """Check a published result (result.json): the seed against the commitment, then every
    winner against a fresh draw. ``applications`` are the drawn ones; those whose block could
    not be drawn (a closure, the centre's event) are listed apart in ``not_drawn``.
    Returns "OK: …" or raises ValueError saying what differs."""
    seed = data["seed"]
    if commitment_of(seed) != data["commitment"]:
        raise ValueError("シードが事前に公開したハッシュ値と一致しません。")
    if data.get("algorithm", ALGORITHM) != ALGORITHM:
        raise ValueError(f"抽選方式が違います: {data.get('algorithm')}")
    entries = [Entry(a["number"], a["applicant"], a["block"]) for a in data["applications"]]
    expected = draw(seed, entries)
    published: dict[str, int] = {}
    for application in data["applications"]:
        if application["result"] == "当選":
            block = application["block"]
            if block in published:
                raise ValueError(f"{block}: 公開結果に当選が2件あります。")
            published[block] = application["number"]
    for block in sorted(set(expected) | set(published)):
        if expected.get(block) != published.get(block):
            raise ValueError(
                f"{block}: 再計算では申込番号{expected.get(block)}、"
                f"公開結果では{published.get(block)}"
            )
    return f"OK: {len(entries)}件の申込み、{len(expected)}区分の当選者が公開結果と一致しました。"


if __name__ == "__main__":  # python drawing.py result.json
    import json
    import sys

    with open(sys.argv[1], encoding="utf-8") as file:
        print(verify(json.load(file)))
