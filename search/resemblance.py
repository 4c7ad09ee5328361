"""Which groups of the synonym table a caller's sentence resembles, when it says none of them.

The starter groups hold what callers say of their situation (嫁过来落户, 随老公落户 for 夫妻投靠);
a caller tells it in words of their own (我嫁过来好几年了户口还在娘家，想迁到老公这边来), which hold
none of the group's words whole, only pieces of several (嫁过, 过来, 老公, 户口). A group sharing
at least `SHARED` such two-character pieces, counted by how rare each piece is among the groups,
is a hint: search ranks the procedures its words name higher, and never counts them as said
(`search.answers` still decides, on the sentence's own words, whether anything answers it).
"""

import dataclasses
import math
from collections.abc import Sequence

from search.analyzer import is_cjk

# Pieces a group must share with the sentence, and how telling they must be together: the sum
# of their rarity (log(1 + groups / groups holding the piece)) as a share of the rarity of a
# piece only one group holds. The best HINTS groups are kept.
SHARED = 2
ENOUGH = 0.84
HINTS = 2


@dataclasses.dataclass(frozen=True)
class Hint:
    """A group the sentence resembles, and the characters of the sentence it shares."""

    words: tuple[str, ...]
    mask: int


class Groups:
    """The groups of the synonym table, by the two-character pieces of their words."""

    def __init__(self, groups: Sequence[Sequence[str]]):
        self.groups = tuple(tuple(group) for group in groups)
        holding: dict[str, set[int]] = {}
        for index, group in enumerate(self.groups):
            for word in group:
                for start in range(len(word) - 1):
                    piece = word[start : start + 2]
                    if is_cjk(piece[0]) and is_cjk(piece[1]):
                        holding.setdefault(piece, set()).add(index)
        self.holding = {piece: tuple(sorted(found)) for piece, found in holding.items()}
        total = len(self.groups)
        self.rarity = {piece: math.log(1 + total / len(found)) for piece, found in holding.items()}

    def resembled(self, content: str, *, generic: int, said: set[str]) -> list[Hint]:
        """The groups `content` resembles best, leaving out pieces that are all generic words
        (`generic`: a mask of the content's characters) and groups holding a word it `said`."""
        shared: dict[int, dict[str, int]] = {}
        for start in range(len(content) - 1):
            if (generic >> start) & 3 == 3:
                continue
            piece = content[start : start + 2]
            for index in self.holding.get(piece, ()):
                shared.setdefault(index, {}).setdefault(piece, start)
        scores = {
            index: sum(self.rarity[piece] for piece in pieces)
            for index, pieces in shared.items()
            if len(pieces) >= SHARED and not said.intersection(self.groups[index])
        }
        enough = ENOUGH * math.log(1 + len(self.groups))
        best = sorted((i for i in scores if scores[i] >= enough), key=lambda i: (-scores[i], i))
        hints = []
        for index in best[:HINTS]:
            mask = 0
            for start in shared[index].values():
                mask |= 3 << start
            hints.append(Hint(self.groups[index], mask))
        return hints
