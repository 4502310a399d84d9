import time
from django.contrib.auth.models import User
from groundswell.people import imports
from groundswell.people.models import Person

def test_timing(org, team_alpha):
    lines = ["full_name,email,role,department,team,manager_email,buddy_email,create_login,hire_date"]
    N=20000
    for n in range(N):
        lines.append(f"P {n},p{n}@example.test,agent,Customer Service,Alpha,p{0 if n else 1}@example.test,p{(n+1)%N}@example.test,yes,2024-01-01")
    content = ("\r\n".join(lines)).encode()
    t = time.perf_counter(); r = imports.preview_import(actor=org["admin"], content=content); print("preview", time.perf_counter()-t, r.is_valid)
    t = time.perf_counter(); r = imports.commit_import(actor=org["admin"], content=content); print("commit", time.perf_counter()-t, r.committed)
    content2 = content.replace(b",2024-01-01", b",2024-02-02")
    t = time.perf_counter(); r = imports.commit_import(actor=org["admin"], content=content2); print("recommit", time.perf_counter()-t, r.committed, r.update_count)
    assert Person.objects.count() == N + 7
    assert Person.objects.filter(hire_date="2024-02-02").count() == N
    assert Person.objects.get(email="p5@example.test").buddy.email == "p6@example.test"
    assert Person.objects.get(email="p19999@example.test").buddy.email == "p0@example.test"
    assert Person.objects.get(email="p0@example.test").manager.email == "p1@example.test"
    assert Person.objects.filter(user__isnull=False).count() == N + 7
    assert User.objects.count() == N + 7
    from django.template.loader import render_to_string
    t = time.perf_counter(); html = render_to_string("people/import_preview.html", {"result": r}); print("render", time.perf_counter()-t, len(html))
