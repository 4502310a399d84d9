import pytest

from groundswell.learning import services
from groundswell.learning.models import Candidate, JobProfile
from groundswell.learning.tests.factories import make_profile
from groundswell.people.models import Department, Person, Team


@pytest.fixture
def profile(customer_service: Department) -> JobProfile:
    return make_profile(customer_service)


@pytest.fixture
def candidate(profile: JobProfile, team_alpha: Team, manager: Person) -> Candidate:
    return services.add_candidate(
        actor=manager,
        profile=profile,
        team=team_alpha,
        full_name="Casey Candidate",
        email="casey@example.org",
        consent=True,
    )
