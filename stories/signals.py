"""Signals that higher apps listen to; stories itself knows nothing of posts."""

from django.dispatch import Signal

# Sent once, after the approving transaction has committed. kwargs: story.
story_approved = Signal()

# Sent after commit when a person shown withdraws consent. kwargs: person, story, user (who
# recorded it), photo_number (the photo's number on the story page then). The scheduling app pulls
# a scheduled post, flags a published one and tells the team about the post; the story's own
# notice tells only its authors.
consent_withdrawn = Signal()
