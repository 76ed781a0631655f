"""Every stage is partitioned by scenario: one lake partition per scenario id."""

from dagster import DynamicPartitionsDefinition

scenario_partitions = DynamicPartitionsDefinition(name="scenario")
