"""Business rules of the facilities app: the only place that writes facilities data.

Rooms are booked in half-open periods [start, end) (seed 000 §1(3)(4), DESIGN.md "facilities").
Every rule is checked here first, for a clear Japanese message; PostgreSQL guarantees the ones
it can (no overlapping active bookings of a room, ordered periods, attendees ≥ 1).

Locking (one order for the whole system, pretix's rule: lock what becomes scarce, late, once):

    facilities LotteryRound → programs Event → facilities BookingSeries → Booking(s), in id
        order → groups Group → facilities LotteryApplication → Room(s), in id order
        → Equipment, in id order

(A 定期利用 change or cancellation locks its series, then all its bookings at once in id
order, before any room: services/series.py.)

(抽選: an application takes its round FOR SHARE, then its group; the draw takes the round
FOR UPDATE, then every room of the facility: services/lottery.py.)

(A sequence gives the 利用承認書 number without a lock: services/approvals.py.)

A booking takes its room's row (FOR NO KEY UPDATE, so foreign-key checks of other writers are
not blocked) before it reads closures and overlaps; a closure takes every room of its facility
first. So a booking and a closure written at the same moment are ordered: the booking sees
the closure and is refused, or the closure sees the booking and lists it. Equipment rows are
locked last, before counting the units lent. An online request locks its group's row before
the room, so one group's simultaneous requests are counted one after the other against its
limits (services/online.py). Content versions (kyodo_center.cache) take no
lock until COMMIT, so they never join this order.
"""
