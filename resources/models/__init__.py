"""The centre's work space (作業スペース) and notice places (seed 000 §1(3) ウ, イ).

- Office machines (``machines``): 事務機器 with a use log and a queue, registered groups first.
- Mailbox-lockers (``mailboxes``): メールボックス兼ロッカー for registered groups, with a
  waiting list.
- Poster board and pamphlet stand (``displays``): ポスター掲示, パンフレットスタンド.

The rules live in resources.services; these models hold data and what the database can
guarantee by itself. The models came from the facilities app and kept their tables
(``facilities_…``, history tables included), so moving them touched no data: see
resources/migrations/0001_initial.py.
"""

from resources.models.displays import DisplayItem, DisplayPlace, DisplayPlaceKind
from resources.models.machines import (
    MachineQueueEntry,
    MachineQueueStatus,
    MachineUse,
    OfficeMachine,
    PaperSize,
)
from resources.models.mailboxes import (
    OPEN_WAITLIST_STATUSES,
    Mailbox,
    MailboxAllowance,
    MailboxAssignment,
    MailboxAssignmentStatus,
    MailboxWaitlistEntry,
    WaitlistStatus,
)

__all__ = [
    "OPEN_WAITLIST_STATUSES",
    "DisplayItem",
    "DisplayPlace",
    "DisplayPlaceKind",
    "MachineQueueEntry",
    "MachineQueueStatus",
    "MachineUse",
    "Mailbox",
    "MailboxAllowance",
    "MailboxAssignment",
    "MailboxAssignmentStatus",
    "MailboxWaitlistEntry",
    "OfficeMachine",
    "PaperSize",
    "WaitlistStatus",
]
