"""Validating a bank: every problem checked (``bank.check``), within a time limit each and a
budget for the whole bank, over all cores when it is large (``bank.parallel``), counted in a
``Report``. A problem not reached in time is counted as unchecked, never as valid.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from chainrule_cli.bank.check import check_before
from chainrule_cli.bank.problem import (
    CHECK_LIMIT,
    VALIDATE_BUDGET,
    Bank,
    Issue,
    Problem,
    in_file_order,
)


@dataclass
class Report:
    """What validating a bank found: its issues, and how many problems are valid, have
    issues, or were not reached before the budget ran out (never counted as valid)."""

    #: Every issue, in file and line order (problems not reached are counted, not listed).
    issues: list[Issue] = field(default_factory=list)
    #: Problems written in the files: loaded, and those that could not be (``Bank.rejected``).
    problems: int = 0
    #: The problems checked and found fine, in bank order.
    valid: list[Problem] = field(default_factory=list)
    #: Problems not checked: the budget ran out first.
    unchecked: int = 0
    budget: float = VALIDATE_BUDGET
    #: Where the first problem not checked is ("file:line").
    first_unchecked: str = ""

    @property
    def checked(self) -> int:
        return self.problems - self.unchecked

    @property
    def with_issues(self) -> int:
        """Problems that cannot be used: a schema error, a repeated id, a failed check."""
        return self.checked - len(self.valid)

    @property
    def file_issues(self) -> int:
        """Issues with a file itself (unreadable, not YAML, no 'problems:' list), not a problem."""
        return sum(1 for issue in self.issues if issue.problem_id is None)

    @property
    def complete(self) -> bool:
        """Every problem checked and valid, and nothing wrong with the files."""
        return not self.issues and not self.unchecked

    def unchecked_issue(self) -> Issue | None:
        """The problems not reached, said as one issue at the first of them (None if none)."""
        if not self.unchecked:
            return None
        path, _, line = self.first_unchecked.rpartition(":")
        return Issue(
            path,
            int(line) if line.isdigit() else None,
            None,
            f"not checked: validation stopped after its {self.budget:g} s budget, with "
            f"{self.unchecked} problem{'s' if self.unchecked != 1 else ''} (this one and "
            "others) not reached",
        )


def validate_bank(
    bank: Bank,
    budget: float = VALIDATE_BUDGET,
    limit: float = CHECK_LIMIT,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[int], None] | None = None,
    cached: bool = True,
) -> Report:
    """Schema issues plus every problem's own check, counted.

    Each problem gets at most ``limit`` seconds and the whole bank ``budget``;
    a problem not reached when the budget runs out is counted as unchecked,
    never as valid. Problems proven valid before are not checked again
    (``valcache``) unless ``cached`` is False; a large bank is checked over all
    cores (``parallel``). ``progress(n)`` is told as each ``n`` more are done.
    """
    from chainrule_cli.bank import parallel, valcache

    deadline = clock() + budget
    cache = valcache.shared()
    answered: dict[int, list[str]] = {}
    if clock is time.monotonic:
        fresh = [i for i, p in enumerate(bank.problems) if not (cached and cache.proven(p))]
        if parallel.worth_it(len(fresh)):
            if progress is not None and len(fresh) < len(bank.problems):
                progress(len(bank.problems) - len(fresh))
            found = parallel.check_all([bank.problems[i] for i in fresh], deadline, limit, progress)
            for index, messages in zip(fresh, found, strict=True):
                if messages is not None:
                    answered[index] = messages
                    if not messages:
                        cache.add(bank.problems[index])
            unchecked = set(fresh)
            answered.update((i, []) for i in range(len(bank.problems)) if i not in unchecked)
    report = Report(
        issues=list(bank.issues), problems=len(bank.problems) + bank.rejected, budget=budget
    )
    for index, problem in enumerate(bank.problems):
        messages = answered.get(index)
        if messages is None:  # not checked yet: here, if there is time left
            messages = check_before(problem, deadline, limit, cached, clock)
            if messages is None:
                report.unchecked += 1
                report.first_unchecked = report.first_unchecked or problem.source
                continue
            if not cached and not messages:
                cache.add(problem)  # proven afresh: remembered all the same
            if progress is not None:
                progress(1)
        if not messages:
            report.valid.append(problem)
        path, _, line = problem.source.rpartition(":")
        where = int(line) if line.isdigit() else None
        report.issues.extend(Issue(path, where, problem.id, message) for message in messages)
    cache.save()
    report.issues = in_file_order(report.issues, bank.files)
    return report


def validate(
    bank: Bank,
    budget: float = VALIDATE_BUDGET,
    limit: float = CHECK_LIMIT,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[int], None] | None = None,
    cached: bool = True,
) -> list[Issue]:
    """``validate_bank``'s issues, with the problems not reached (if any) as one more issue
    at the end: an empty list means every problem was checked and is valid."""
    report = validate_bank(bank, budget, limit, clock, progress, cached)
    missed = report.unchecked_issue()
    return report.issues if missed is None else [*report.issues, missed]
