# Times carry their zone (CET or CEST), as the schedule is kept in Europe/Berlin; the rest is
# Django's German.
DATETIME_FORMAT = "j. F Y, H:i T"
SHORT_DATETIME_FORMAT = "d.m.Y, H:i T"
