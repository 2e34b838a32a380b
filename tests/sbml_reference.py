"""Helpers that run the authors' SBML files in libroadrunner, the reference simulator.

The SBML files in ``tests/data`` are copies of the published models (see ``tests/data/README.md``);
their ids are opaque (``mw...`` in the skin model), so these helpers address species and
parameters by their SBML ``name``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
SKIN_SBML = DATA / "shmarov2022_psor_v8_4.xml"
TH17_SBML = DATA / "Intosalmi2015_Th17_BIOMD0000001004.xml"


def sbml_names(path: Path) -> dict[str, str]:
    """Map SBML ``name`` (or id, when unnamed) of every species and parameter to its id."""
    names = {}
    for element in ET.parse(path).getroot().iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("species", "parameter") and element.get("id"):
            names[element.get("name") or element.get("id")] = element.get("id")
    return names


def make_runner(path: Path):
    """A RoadRunner instance for ``path`` with tight CVODE tolerances."""
    import roadrunner

    runner = roadrunner.RoadRunner(str(path))
    runner.integrator.relative_tolerance = 1e-10
    runner.integrator.absolute_tolerance = 1e-8
    runner.integrator.setValue("maximum_num_steps", 200000)
    return runner


def simulate(runner, names: dict[str, str], species, windows, points_per_day=4):
    """Simulate ``windows`` = [(t_end, {parameter: value})...] back to back from time 0.

    Parameter changes are applied at the start of each window, so a therapy window is the
    piecewise simulation the brief asks for. Returns (t, {species: values}).
    """
    t0 = 0.0
    times, columns = [], {name: [] for name in species}
    selections = ["time"] + [f"[{names[s]}]" for s in species]
    for end, changes in windows:
        for parameter, value in changes.items():
            runner[names[parameter]] = value
        count = round((end - t0) * points_per_day) + 1
        result = runner.simulate(t0, end, count, selections=selections)
        keep = slice(None) if not times else slice(1, None)
        times.append(result[keep, 0])
        for i, name in enumerate(species):
            columns[name].append(result[keep, i + 1])
        t0 = end
    return np.concatenate(times), {k: np.concatenate(v) for k, v in columns.items()}


_MATH = '<math xmlns="http://www.w3.org/1998/Math/MathML">{}</math>'


def _ci(name: str) -> str:
    return f"<ci> {name} </ci>"


def _apply(op: str, *args: str) -> str:
    return f"<apply><{op}/>{''.join(args)}</apply>"


def _cn(value: float) -> str:
    return f"<cn> {value!r} </cn>"


def with_msc_exposure(path: Path, therapy, target_names: dict[str, str], base_values) -> str:
    """SBML text of ``path`` with an MSC therapy written into the model itself.

    Adds an exposure parameter ``msc_E`` (rate rule ``-k * msc_E``, one event per dose adding
    the dose) and replaces each target parameter with the assignment rule
    ``base * factor(effect)``, ``effect = strength * msc_E / (ec50 + msc_E)``: the same mapping
    as :class:`mscpso_edu.models.MSCTherapy`, but integrated by roadrunner with SBML events.
    """
    from mscpso_edu.models import MECHANISMS

    mechanism = MECHANISMS[therapy.mechanism]
    text = path.read_text(encoding="utf-8")
    effect = _apply(
        "divide",
        _apply("times", _cn(therapy.strength), _ci("msc_E")),
        _apply("plus", _cn(therapy.ec50), _ci("msc_E")),
    )
    parameters = ['<parameter id="msc_E" value="0" constant="false"/>']
    rules = [
        f'<rateRule variable="msc_E">'
        f"{_MATH.format(_apply('times', _cn(-therapy.elimination_rate), _ci('msc_E')))}"
        "</rateRule>"
    ]
    for target in mechanism.targets:
        sbml_id = target_names[target]
        base = f"msc_base_{target}"
        parameters.append(f'<parameter id="{base}" value="{base_values[target]!r}"/>')
        one_minus = _apply("minus", _cn(1.0), effect)
        if mechanism.kind == "reduce":
            formula = _apply("times", _ci(base), one_minus)
        else:
            formula = _apply("divide", _ci(base), one_minus)
        rules.append(
            f'<assignmentRule variable="{sbml_id}">{_MATH.format(formula)}</assignmentRule>'
        )
        text = text.replace(f'id="{sbml_id}"', f'id="{sbml_id}" constant_marker=""', 1)
        start = text.index(f'id="{sbml_id}" constant_marker=""')
        end = text.index("/>", start)
        element = text[start:end].replace('constant="true"', 'constant="false"')
        text = text[:start] + element.replace(' constant_marker=""', "") + text[end:]
    events = []
    for i, day in enumerate(therapy.dose_days):
        trigger = _MATH.format(_apply("geq", _ci_time(), _cn(float(day))))
        update = _MATH.format(_apply("plus", _ci("msc_E"), _cn(therapy.dose)))
        events.append(
            f'<event id="msc_dose_{i}"><trigger>{trigger}</trigger><listOfEventAssignments>'
            f'<eventAssignment variable="msc_E">{update}</eventAssignment>'
            "</listOfEventAssignments></event>"
        )
    text = text.replace("</listOfParameters>", "".join(parameters) + "</listOfParameters>", 1)
    text = text.replace("</listOfRules>", "".join(rules) + "</listOfRules>", 1)
    text = text.replace("</listOfEvents>", "".join(events) + "</listOfEvents>", 1)
    return text


def _ci_time() -> str:
    url = "http://www.sbml.org/sbml/symbols/time"
    return f'<csymbol encoding="text" definitionURL="{url}"> t </csymbol>'


def with_tgf_secretion(path: Path, rate: float) -> str:
    """Intosalmi SBML text with one extra reaction: ``-> TGFbext`` at ``rate`` per hour."""
    text = path.read_text(encoding="utf-8")
    reaction = (
        '<reaction id="msc_tgf_secretion" reversible="false"><listOfProducts>'
        '<speciesReference species="TGFbext" stoichiometry="1"/></listOfProducts>'
        f"<kineticLaw>{_MATH.format(_cn(rate))}</kineticLaw></reaction>"
    )
    return text.replace("</listOfReactions>", reaction + "</listOfReactions>", 1)
