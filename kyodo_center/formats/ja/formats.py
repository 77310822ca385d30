"""Japanese formats that differ from Django's: a date-time is written as kyodo_center.dates
writes it everywhere else (jdate + hhmm): 2026年11月24日(火) 3:44."""

DATETIME_FORMAT = "Y年n月j日(D) G:i"
