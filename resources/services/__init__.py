"""Rules of the centre's resources: office machines, mailbox-lockers, poster board and stand.

Seed 000 §1(3) ウ 作業スペース and イ 交流スペース, and its 利用区分 table:
事務機器 ◎ registered / ○ others; メールボックス ◎ / ×; ポスター掲示・パンフレットスタンド ○ / ○.
Every write goes through a function of this package (one module per subject:
``machines``, ``mailboxes``, ``displays``); views, admin actions and commands call them. Each
function checks its rule first for a clear Japanese message (FacilityError); PostgreSQL
guarantees what it can (one group per box per period, one use in progress per machine,
counts ≥ 0, display periods in order).

Locking follows "lock the scarce thing, once, late": the group row (its box allowance) and the
mailbox row when a box is given out, the machine row when a use starts, the place row when a
poster or pamphlet takes a place. Freeing something needs no lock on what is freed.
"""
