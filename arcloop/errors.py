"""Every exception arcloop raises on purpose, in one tree.

Control flow never inspects message text: callers catch a class. The CLI turns any
``ArcloopError`` into one line on stderr and the class's ``exit_code``.

    ArcloopError                      base; exit code 1
    ├── UserError                     the user can fix it (input, config, usage); exit code 2
    │   ├── InputFileError            an input file is no regular file, too big, not UTF-8, bad JSON
    │   ├── OutputFileError           a file the user asked for cannot be written where asked
    │   ├── ConfigError               a config file, preset or option is invalid or conflicting
    │   │   └── ResumeConflictError   an option contradicts the stored config of a resumed run
    │   ├── DatasetError              a dataset name, task file or solutions file is unusable
    │   │   └── TaskValidationError   a grid or task breaks ARC's rules (names file, task, place)
    │   ├── SubmissionError           a submission is malformed or does not fit its dataset
    │   ├── PriceMissingError         a paid model has no known price, so its cost can't be known
    │   ├── UnsafeSandboxError        as root, the sandbox would fall back to containing nothing
    │   ├── ComparisonError           runs cannot be compared: other data, or no scored task shared
    │   ├── RunDirectoryError         a run directory is not a folder, not writable, or not a run
    │   └── JournalError              the journal is corrupt, emptied, newer, or the disk is full
    ├── ProviderError                 a model provider failed a call (after our own retries)
    │   ├── RateLimitedError          429/503/529: retryable after a pause; not a failed attempt
    │   ├── TransientProviderError    timeout, connection error, 5xx: retryable with backoff
    │   │   ├── RequestTimeoutError   the request (or its hard deadline) timed out
    │   │   └── UnreachableError      no connection to the endpoint: waited for, up to a limit
    │   ├── ProviderOutageError       an endpoint stayed unreachable past the limit; exit 3
    │   ├── FatalProviderError        400-class, 404, unsupported parameters: never retried
    │   │   └── ContextWindowError    the prompt does not fit the model's context window
    │   └── AuthenticationError       401/403: the key is missing, wrong or not allowed; exit 3
    ├── BudgetExceededError           a budget ran out before work could start or go on
    │   ├── CostBudgetExceededError   the dollar cap (per task or per run) is reached
    │   ├── TimeBudgetExceededError   the caller's total time budget is spent
    │   └── TimeoutBudgetExceededError  the caller hit its maximum number of timeouts
    └── SandboxError                  the sandbox itself failed (not the program it ran)

A program that fails inside the sandbox is *not* an exception: it is an ``Outcome`` with a
failure, because failing programs are ordinary data for the solver.
"""

from __future__ import annotations


class ArcloopError(Exception):
    """Base of every error arcloop raises on purpose."""

    exit_code = 1


class UserError(ArcloopError):
    """Something the user can fix: bad input, config or usage."""

    exit_code = 2


class OutputFileError(UserError):
    """A file the user asked arcloop to write cannot be written there."""


class InputFileError(UserError):
    """A file the user gave cannot be read as input: not a regular file, over the size
    limit, not UTF-8, or JSON that is malformed or breaks a bound (depth, integer size,
    duplicate keys)."""


class ConfigError(UserError):
    """A config file, preset or command-line option is invalid or contradicts another."""


class ResumeConflictError(ConfigError):
    """An option given on resume contradicts the config stored with the run."""


class DatasetError(UserError):
    """A dataset name, task file or solutions file cannot be used."""


class TaskValidationError(DatasetError):
    """A grid or task breaks ARC's rules; the message names file, task id and location."""


class SubmissionError(UserError):
    """A submission is malformed or does not match its dataset."""


class PriceMissingError(UserError):
    """A model that is not declared free has no known price."""


class ComparisonError(UserError):
    """Runs cannot be compared: they are on different data (and the intersection was not
    asked for), or they share no finished task with known test outputs."""


class UnsafeSandboxError(UserError):
    """arcloop runs as root and the sandbox would run programs in its fallback, which does
    not contain them; the user may allow it explicitly (``--unsafe-sandbox``)."""


class ProviderError(ArcloopError):
    """A model provider failed a call, after arcloop's own retries were used up.

    Attributes:
        status_code: the HTTP status the provider answered, when there was one.
        model: the model the call was for.
    """

    def __init__(self, message: str, *, model: str = "", status_code: int | None = None) -> None:
        super().__init__(message)
        self.model = model
        self.status_code = status_code


class RateLimitedError(ProviderError):
    """The provider asked us to slow down (429, 503, 529).

    Attributes:
        retry_after: seconds the provider asked us to wait, when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str = "",
        status_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, model=model, status_code=status_code)
        self.retry_after = retry_after


class TransientProviderError(ProviderError):
    """A failure that may pass: timeout, connection error, 5xx."""


class RequestTimeoutError(TransientProviderError):
    """The request, or the hard deadline around it, timed out."""


class UnreachableError(TransientProviderError):
    """The endpoint could not be reached (connection refused or reset, no route, no name):
    waited for, across callers, up to the run's outage limit."""


class ProviderOutageError(ProviderError):
    """An endpoint stayed unreachable past the outage limit: the run stops (exit code 3),
    its finished tasks kept, the rest pending for a resume."""

    exit_code = 3


class FatalProviderError(ProviderError):
    """A failure that retrying cannot fix: bad request, unknown model, unsupported parameter."""


class ContextWindowError(FatalProviderError):
    """The prompt does not fit in the model's context window."""


class AuthenticationError(ProviderError):
    """The provider refused our credentials (401) or permission (403); the run must stop."""

    exit_code = 3


class BudgetExceededError(ArcloopError):
    """A budget ran out before work could start or continue."""


class CostBudgetExceededError(BudgetExceededError):
    """The dollar cap is reached."""


class TimeBudgetExceededError(BudgetExceededError):
    """The total time budget is spent."""


class TimeoutBudgetExceededError(BudgetExceededError):
    """The maximum number of timeouts is reached."""


class SandboxError(ArcloopError):
    """The sandbox machinery failed (not the program it was running)."""


class RunDirectoryError(UserError):
    """A run directory cannot be used: not a folder, not creatable, not writable, or holding
    something that is not an arcloop run (arcloop never writes over the user's files)."""


class JournalError(UserError):
    """The run journal cannot be used: corrupt, emptied, missing a table, written by a newer
    arcloop, or not writable (a full disk)."""
