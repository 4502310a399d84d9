"""The paths under which the task queue may still hold voice's tasks.

A queued task names its function by dotted path, and an emailed invitation waits in the queue
for up to a week (the survey's send delay). The tasks now live with their features
(invitations/tasks.py, follow_ups/tasks.py); these names keep tasks queued under the old
paths runnable. Import the tasks from their features.
"""

from groundswell.voice.follow_ups.tasks import open_follow_up
from groundswell.voice.invitations.tasks import send_invitation

__all__ = ["open_follow_up", "send_invitation"]
