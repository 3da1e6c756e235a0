"""Signals that higher apps listen to; stories itself knows nothing of posts."""

from django.dispatch import Signal

# Sent once, after the approving transaction has committed. kwargs: story.
story_approved = Signal()

# Sent after commit when a person shown withdraws consent. kwargs: person, story.
# The scheduling app pulls a scheduled post and flags a published one.
consent_withdrawn = Signal()
