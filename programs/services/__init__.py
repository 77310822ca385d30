"""Business rules of the programs app: the only place that writes events and registrations.

Seed 001 研修事業・交流事業, DESIGN.md "programs". The rules:

- An event held in a centre room books that room through ``facilities.services`` (so it can
  never collide with another booking or a closure); the event and its booking are saved in one
  transaction, and a series of sessions is created entirely or not at all.
- Capacity is never exceeded: every write that consumes places locks the event row once, late,
  before counting (pretix's locking rule). Freeing places takes the same lock because freed
  places are handed to the waiting list, strictly in order of application, in the same
  transaction.
- The cancellation link of a registration is an unguessable token; nothing else identifies it.
"""
