"""Feature group definitions: record identifier, event time and feature types.

Two sources, both in the shape of SageMaker's DescribeFeatureGroup response, so one parser serves:
a JSON file (standalone use) and the SageMaker control plane of the AWS emulator (the local stack),
asked on first use of a group name and cached.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

log = logging.getLogger(__name__)

FEATURE_TYPES = frozenset({"Integral", "Fractional", "String"})


class UnknownFeatureGroupError(LookupError):
    pass


@dataclass(frozen=True)
class FeatureGroup:
    name: str
    record_identifier: str
    event_time: str
    feature_types: Mapping[str, str]
    online: bool = True
    offline: bool = True

    @functools.cached_property
    def integral_features(self) -> tuple[str, ...]:
        return tuple(n for n, t in self.feature_types.items() if t == "Integral")

    @functools.cached_property
    def fractional_features(self) -> tuple[str, ...]:
        return tuple(n for n, t in self.feature_types.items() if t == "Fractional")

    @classmethod
    def from_description(cls, description: Mapping[str, Any]) -> FeatureGroup:
        """Build from a DescribeFeatureGroup-shaped mapping; raises ValueError when inconsistent."""
        types = {d["FeatureName"]: d["FeatureType"] for d in description["FeatureDefinitions"]}
        group = cls(
            name=description["FeatureGroupName"],
            record_identifier=description["RecordIdentifierFeatureName"],
            event_time=description["EventTimeFeatureName"],
            feature_types=types,
            online=bool(
                description.get("OnlineStoreConfig", {"EnableOnlineStore": True}).get(
                    "EnableOnlineStore", True
                )
            ),
            offline="OfflineStoreConfig" in description or "OnlineStoreConfig" not in description,
        )
        unknown_types = set(types.values()) - FEATURE_TYPES
        if unknown_types:
            raise ValueError(f"{group.name}: unknown feature types {sorted(unknown_types)}")
        for role, feature in (
            ("record identifier", group.record_identifier),
            ("event time", group.event_time),
        ):
            if feature not in types:
                raise ValueError(f"{group.name}: {role} {feature!r} is not a defined feature")
        if types[group.event_time] not in ("String", "Fractional"):
            raise ValueError(f"{group.name}: event time must be String or Fractional")
        return group


def describe_feature_group(
    name: str, record_identifier: str, event_time: str, feature_types: Mapping[str, str]
) -> dict[str, Any]:
    """A DescribeFeatureGroup-shaped definition with both stores, e.g. for a definitions file."""
    return {
        "FeatureGroupName": name,
        "RecordIdentifierFeatureName": record_identifier,
        "EventTimeFeatureName": event_time,
        "FeatureDefinitions": [
            {"FeatureName": feature, "FeatureType": kind} for feature, kind in feature_types.items()
        ],
        "OnlineStoreConfig": {"EnableOnlineStore": True},
        "OfflineStoreConfig": {"DisableGlueTableCreation": True},
    }


def write_definitions_file(path: Path, descriptions: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"FeatureGroups": descriptions}, indent=2) + "\n", encoding="utf-8")
    return path


def load_definitions_file(path: Path) -> dict[str, FeatureGroup]:
    """`{"FeatureGroups": [<DescribeFeatureGroup response>, ...]}` or a bare list of them."""
    document = json.loads(path.read_text(encoding="utf-8"))
    items = document["FeatureGroups"] if isinstance(document, dict) else document
    groups = [FeatureGroup.from_description(item) for item in items]
    return {g.name: g for g in groups}


Describe = Callable[[str], Mapping[str, Any] | None]


def _exists(sagemaker_client: Any, name: str) -> bool:
    """Whether the control plane lists the group; an emulator without ListFeatureGroups says no."""
    try:
        pages = sagemaker_client.get_paginator("list_feature_groups").paginate(NameContains=name)
        return any(g["FeatureGroupName"] == name for p in pages for g in p["FeatureGroupSummaries"])
    except ClientError as error:
        log.warning("cannot list feature groups to check %s (%s): taken as unknown", name, error)
        return False


def control_plane_describer(sagemaker_client: Any) -> Describe:
    """A lookup through SageMaker's DescribeFeatureGroup; None when the group does not exist.

    Some emulators answer an unknown name with a 500 instead of ResourceNotFound; a listing then
    tells a missing group from a failing control plane.
    """

    def describe(name: str) -> Mapping[str, Any] | None:
        try:
            response: Mapping[str, Any] = sagemaker_client.describe_feature_group(
                FeatureGroupName=name
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in {"ResourceNotFound", "ValidationException", "ValidationError"}:
                return None
            if not _exists(sagemaker_client, name):
                return None
            raise
        return response

    return describe


class Catalogue:
    """Known feature groups: fixed ones plus, optionally, lookups in a control plane (cached)."""

    def __init__(
        self, groups: Mapping[str, FeatureGroup] | None = None, describe: Describe | None = None
    ) -> None:
        self._groups = dict(groups or {})
        self._describe = describe
        self._lock = threading.Lock()

    @staticmethod
    def name_of(name_or_arn: str) -> str:
        return (
            name_or_arn.rsplit("feature-group/", 1)[-1]
            if name_or_arn.startswith("arn:")
            else name_or_arn
        )

    def cached(self, name_or_arn: str) -> FeatureGroup | None:
        return self._groups.get(self.name_of(name_or_arn))

    def lookup(self, name_or_arn: str) -> FeatureGroup:
        """The group's definition; may call the control plane (blocking).

        Raises UnknownFeatureGroupError when no source knows the name.
        """
        name = self.name_of(name_or_arn)
        group = self._groups.get(name)
        if group is not None:
            return group
        if self._describe is None:
            raise UnknownFeatureGroupError(name)
        description = self._describe(name)
        if description is None:
            raise UnknownFeatureGroupError(name)
        group = FeatureGroup.from_description(description)
        with self._lock:
            self._groups[name] = group
        log.info("feature group %s described by the control plane", name)
        return group
