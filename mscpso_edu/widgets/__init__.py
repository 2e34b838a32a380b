"""Interactive explorers over the course's models and knowledge base.

Each ``explore_*`` function (and :func:`pasi_calculator`, :func:`isct_classifier`,
:func:`design_therapy`) returns one :class:`Explorer` widget: labelled controls, one persistent
figure updated in place, a live readout and a Reset button. Setting a control's ``value`` from
Python redraws before the assignment returns, so tests and benchmarks drive them without a browser.

:data:`EXPLORERS` lists every one of them by name. A new explorer is added there too: the
contract test (``tests/test_explorer_contract.py``) and the speed benchmark
(``benchmarks/bench_explorers.py``) run over that registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from ._base import Explorer, Readout, SolutionCache
from .capstone import design_therapy
from .combination_explorer import explore_combination
from .dosing_explorer import explore_msc_dosing
from .evidence_explorer import evidence_table, explore_evidence
from .forgetting_explorer import explore_forgetting
from .isct_explorer import isct_classifier
from .keratinocyte_explorer import explore_keratinocytes
from .mechanism_explorer import explore_mechanisms
from .pasi_explorer import pasi_calculator
from .phase_plane import explore_phase_plane
from .skin_explorer import explore_skin_circuit
from .source_explorer import explore_sources
from .th17_explorer import explore_th17_treg

#: Every explorer, by name: a factory that takes no argument and returns an :class:`Explorer`.
EXPLORERS: Mapping[str, Callable[[], Explorer]] = MappingProxyType(
    {
        "pasi_calculator": pasi_calculator,
        "explore_phase_plane": explore_phase_plane,
        "isct_classifier": isct_classifier,
        "explore_keratinocytes": explore_keratinocytes,
        "explore_mechanisms": explore_mechanisms,
        "explore_skin_circuit": explore_skin_circuit,
        "explore_th17_treg": explore_th17_treg,
        "explore_combination": explore_combination,
        "explore_evidence": explore_evidence,
        "explore_sources": explore_sources,
        "explore_msc_dosing": explore_msc_dosing,
        "design_therapy": design_therapy,
        "explore_forgetting": explore_forgetting,
    }
)

__all__ = [
    "EXPLORERS",
    "Explorer",
    "Readout",
    "SolutionCache",
    "design_therapy",
    "evidence_table",
    "explore_combination",
    "explore_evidence",
    "explore_forgetting",
    "explore_keratinocytes",
    "explore_mechanisms",
    "explore_msc_dosing",
    "explore_phase_plane",
    "explore_skin_circuit",
    "explore_sources",
    "explore_th17_treg",
    "isct_classifier",
    "pasi_calculator",
]
