"""``mscpso-edu link``: nbgitpuller links, their encoding and their input checks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from mscpso_edu.cli import main
from mscpso_edu.errors import CourseError
from mscpso_edu.hub import find_lesson, nbgitpuller_link

HUB = "https://hub.example.edu"
REPO = "https://github.com/example-org/mscpso-edu"


def decoded(link: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(link)
    query = {key: values[0] for key, values in parse_qs(parts.query, strict_parsing=True).items()}
    return f"{parts.scheme}://{parts.netloc}{parts.path}", query


def test_link_opens_the_lesson_inside_the_target_folder():
    link = nbgitpuller_link(HUB, REPO, branch="main", lesson="03")
    where, query = decoded(link)
    assert where == "https://hub.example.edu/hub/user-redirect/git-pull"
    assert query == {
        "repo": REPO,
        "branch": "main",
        "urlpath": "lab/tree/course/lessons/03_keratinocytes.ipynb",
        "targetpath": "course",
    }


def test_every_value_is_percent_encoded():
    repo = "https://git.example.edu/a b/c?x=1&y=2"  # a hostile repo URL must not split the query
    link = nbgitpuller_link(HUB, repo.replace(" ", "%20"), branch="feature/week-2")
    query_text = urlsplit(link).query
    assert query_text.count("&") == 3  # repo, branch, urlpath, targetpath: four keys only
    assert "/" not in query_text and "?" not in query_text
    assert decoded(link)[1]["repo"] == repo.replace(" ", "%20")
    assert decoded(link)[1]["branch"] == "feature/week-2"


@pytest.mark.parametrize(
    "hub",
    ["https://hub.example.edu/", "https://hub.example.edu/hub", "https://hub.example.edu/hub/"],
)
def test_hub_address_forms_give_one_link(hub):
    assert nbgitpuller_link(hub, REPO) == nbgitpuller_link(HUB, REPO)


def test_hub_under_a_base_url_keeps_its_prefix():
    where, _ = decoded(nbgitpuller_link("http://127.0.0.1:8000/jupyter/", REPO))
    assert where == "http://127.0.0.1:8000/jupyter/hub/user-redirect/git-pull"


def test_without_branch_or_lesson_nbgitpuller_picks_the_default_branch_and_opens_the_folder():
    _, query = decoded(nbgitpuller_link(HUB, REPO))
    assert "branch" not in query
    assert query["urlpath"] == "lab/tree/course"


def test_notebook_interface_and_custom_target():
    _, query = decoded(nbgitpuller_link(HUB, REPO, lesson="0", targetpath="msc", app="notebook"))
    assert query["urlpath"] == "notebooks/msc/lessons/00_start_here.ipynb"
    assert query["targetpath"] == "msc"


def test_local_bare_repository_is_accepted():
    _, query = decoded(nbgitpuller_link(HUB, "file:///srv/course.git"))
    assert query["repo"] == "file:///srv/course.git"


@pytest.mark.parametrize("lesson", ["3", "03", "03_keratinocytes", "03_keratinocytes.ipynb"])
def test_lesson_forms(lesson):
    assert find_lesson(lesson) == "03_keratinocytes.ipynb"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"hub": "hub.example.edu"}, "is not a hub address"),
        ({"hub": "ftp://hub.example.edu"}, "is not a hub address"),
        ({"hub": "https://hub.example.edu/?next=x"}, "without '?'"),
        ({"repo": "github.com/org/course"}, "is not a repository URL"),
        ({"repo": "file://relative/path"}, "needs an absolute path"),
        ({"branch": "-rf"}, "not a valid git branch"),
        ({"branch": "a..b"}, "not a valid git branch"),
        ({"branch": "a b"}, "not a valid git branch"),
        ({"targetpath": "../etc"}, "one folder name"),
        ({"lesson": "42"}, "no such lesson"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(kwargs, message):
    arguments = {"hub": HUB, "repo": REPO, **kwargs}
    with pytest.raises(CourseError, match=message):
        nbgitpuller_link(arguments.pop("hub"), arguments.pop("repo"), **arguments)


def test_unknown_lesson_lists_the_lessons():
    with pytest.raises(CourseError) as caught:
        find_lesson("99")
    assert "00_start_here" in str(caught.value)
    assert "03_keratinocytes" in str(caught.value)


def test_command_prints_the_link(capsys):
    assert main(["link", "--hub", HUB, "--repo", REPO, "--branch", "main", "--lesson", "1"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == nbgitpuller_link(HUB, REPO, branch="main", lesson="01")


def test_command_error_is_one_line_with_status_2(capsys):
    assert main(["link", "--hub", HUB, "--repo", REPO, "--lesson", "77"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the lessons are: 00_start_here" in err
