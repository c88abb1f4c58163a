from django import template

from peacetracker.selectors import own_submissions, review_queue
from peacetracker.services import user_can_moderate

register = template.Library()


@register.inclusion_tag("admin/moderation/_queue.html", takes_context=True)
def moderation_queue(context):
    """The moderator's queue, and each editor's own submissions, for the admin index."""
    user = context["request"].user
    moderator = user_can_moderate(user)
    queue = review_queue() if moderator else []
    return {"moderator": moderator, "queue": queue, "submissions": own_submissions(user)}
