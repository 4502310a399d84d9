"""The demo's recognition: values, months of kudos with uneven reach, compliments and heroes."""

from django.db.models import Count

from groundswell.people.models import Person
from groundswell.recognition.choices import ReviewStatus
from groundswell.recognition.models import Compliment, HeroNomination, Kudos, Value


def test_the_demo_has_values_and_months_of_kudos_with_uneven_reach(small_demo, db):
    kudos = Kudos.objects.all()
    oldest = kudos.order_by("created_at").first()
    thanked = set(kudos.exclude(recipient=None).values_list("recipient", flat=True))
    active = set(Person.objects.active().values_list("pk", flat=True))
    counts = sorted(
        kudos.exclude(recipient=None)
        .values("recipient")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )

    assert set(Value.objects.values_list("slug", flat=True)) == {
        "respect",
        "growth",
        "trust",
        "working-together",
        "keeping-promises",
    }
    assert 4_500 <= kudos.count() <= 5_500
    assert oldest is not None
    assert small_demo.counts["kudos"] == kudos.count()
    newest = kudos.order_by("-created_at").first()
    assert newest is not None
    assert (newest.created_at - oldest.created_at).days >= 150
    assert active - thanked, "some people are never thanked"
    assert counts[-1] >= 4 * counts[len(counts) // 2], "a few people get most of the thanks"
    assert not kudos.filter(values=None).exists()


def test_the_demo_has_compliments_and_heroes(small_demo, db):
    assert Compliment.objects.filter(status=ReviewStatus.APPROVED).exists()
    assert HeroNomination.objects.filter(status=ReviewStatus.APPROVED).exists()
    assert HeroNomination.objects.filter(status=ReviewStatus.PENDING).exists()


def test_the_demo_has_digests_and_two_sent_newsletters_that_mail_nobody(small_demo, db):
    from groundswell.people.models import Team
    from groundswell.recognition import newsletter
    from groundswell.recognition.choices import NewsletterStatus
    from groundswell.recognition.models import HuddleDigest, Newsletter, NewsletterDelivery

    letters = list(Newsletter.objects.order_by("month"))
    assert [letter.status for letter in letters] == [NewsletterStatus.SENT] * 2
    assert all(letter.sent_by is not None for letter in letters)
    assert all(letter.sections.filter(is_included=True).exists() for letter in letters)
    assert not NewsletterDelivery.objects.filter(sent_at=None).exists()
    assert newsletter.stalled() == []
    assert HuddleDigest.objects.count() == 14 * Team.objects.count()
    assert not HuddleDigest.objects.filter(email_sent_at=None).exists()
