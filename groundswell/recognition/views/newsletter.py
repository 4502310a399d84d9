"""Newsletter pages: the archive, drafting, editing, the preview, sending, and unsubscribing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can_everywhere
from groundswell.people.typing import AuthedRequest
from groundswell.recognition import newsletter, selectors
from groundswell.recognition.forms import NewsletterDraftForm, NewsletterForm


@person_required(Action.USE_RECOGNITION)
def newsletter_list(request: AuthedRequest) -> HttpResponse:
    """Sent newsletters for everyone; drafts and the drafting form for those who send."""
    may_send = can_everywhere(request.person, Action.SEND_NEWSLETTER)
    context = {
        "newsletters": selectors.list_newsletters(request.person),
        "may_send": may_send,
        "draft_form": NewsletterDraftForm() if may_send else None,
    }
    return render(request, "recognition/newsletter_list.html", context)


@require_POST
@person_required(Action.SEND_NEWSLETTER)
def newsletter_draft(request: AuthedRequest) -> HttpResponse:
    """Draft a month's newsletter now (or open the one that exists)."""
    form = NewsletterDraftForm(request.POST)
    if form.is_valid():
        try:
            drafted = newsletter.draft_newsletter(
                actor=request.person, month=form.cleaned_data["month"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("recognition:newsletter-edit", pk=drafted.pk)
    context = {
        "newsletters": selectors.list_newsletters(request.person),
        "may_send": True,
        "draft_form": form,
    }
    return render(request, "recognition/newsletter_list.html", context, status=422)


@person_required(Action.USE_RECOGNITION)
def newsletter_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A newsletter as its readers get it; a draft's preview for those who send."""
    chosen = selectors.get_newsletter_for(request.person, pk)
    may_send = can_everywhere(request.person, Action.SEND_NEWSLETTER)
    context = {
        "newsletter": chosen,
        "sections": newsletter.shown_sections(chosen),
        "may_send": may_send,
        "delivered": newsletter.delivered(chosen) if may_send and not chosen.is_draft else None,
    }
    return render(request, "recognition/newsletter_detail.html", context)


@person_required(Action.SEND_NEWSLETTER)
def newsletter_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reword a draft: title, introduction, and each part kept, reworded or left out."""
    chosen = selectors.get_newsletter_for(request.person, pk, send=True)
    if not chosen.is_draft:
        messages.info(request, _("This newsletter was sent; it stays as it went out."))
        return redirect(chosen)
    sections = list(chosen.sections.all())
    initial = {"title": chosen.title, "intro": chosen.intro}
    form = NewsletterForm(request.POST or None, initial=initial, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            newsletter.edit_newsletter(
                actor=request.person,
                newsletter=chosen,
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
                sections=form.edits(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(chosen)
    status = 422 if request.method == "POST" else 200
    context = {"newsletter": chosen, "form": form}
    return render(request, "recognition/newsletter_form.html", context, status=status)


@person_required(Action.SEND_NEWSLETTER)
def newsletter_send(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, with the number of people it will reach, then send through the task queue."""
    chosen = selectors.get_newsletter_for(request.person, pk, send=True)
    error = ""
    if request.method == "POST":
        was_draft = chosen.is_draft
        try:
            sent = newsletter.send_newsletter(actor=request.person, newsletter=chosen)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            if was_draft:
                messages.success(
                    request,
                    _("The newsletter is on its way to %(count)s people.")
                    % {"count": sent.recipient_count},
                )
            else:
                messages.info(request, _("This newsletter was sent already."))
            return redirect(sent)
    context = {"newsletter": chosen, "reach": newsletter.audience().count(), "error": error}
    return render(
        request, "recognition/newsletter_send.html", context, status=422 if error else 200
    )


@csrf_exempt  # the signed token is the credential; mail clients post here (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the newsletter from a mail's link, without signing in: the page asks, a post stops."""
    person = newsletter.person_for_token(token)
    if person is None:
        return render(request, "recognition/newsletter_unsubscribe.html", {"bad": True}, status=404)
    done = request.method == "POST"
    if done:
        newsletter.unsubscribe(person)
    context = {"bad": False, "done": done, "person": person}
    return render(request, "recognition/newsletter_unsubscribe.html", context)
