"""The simulator runs, and the issue's key targets hold (a short run: two scenarios, two phases).

Run by failover_test.go with FAILOVER_TEMPLATE naming the synthesized template.
"""
import os
import unittest
from pathlib import Path

import yaml

import simulate


class SimulatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        template = yaml.safe_load(Path(os.environ["FAILOVER_TEMPLATE"]).read_text())
        cls.results = simulate.simulate(template, {"aurora-writer-failover", "multi-az-instance-failover-events-lost"},
                                        phases=(0, 30))
        cls.by = {(r["entry"]["name"], r["entry"]["registrationLatencySeconds"]): r for r in cls.results}

    def test_settings_come_from_the_template(self):
        settings = self.results[0]["service"]["target_group"]
        self.assertEqual(settings, {"interval": 10, "healthy": 2, "unhealthy": 2, "delay": 30, "termination": True})
        self.assertEqual(self.results[0]["service"]["schedule"], 60)

    def test_aurora_writer_failover_targets(self):
        low, high = simulate.LATENCIES
        e = self.by[("aurora-writer-failover", low["registration"])]["entry"]
        self.assertEqual(e["wrongTargetSeconds"], 0)  # the old writer is out in the event run
        self.assertLessEqual(e["noHealthyTargetSeconds"], low["registration"] + 2 * 10)
        for latency in (low, high):
            e = self.by[("aurora-writer-failover", latency["registration"])]["entry"]
            self.assertEqual(e["wrongRegisteredSeconds"], 0)
            self.assertLessEqual(e["noHealthyTargetSeconds"], latency["registration"] + 2 * 10)
        # The event run registers the new writer and deregisters the old one, in one run.
        sim = self.by[("aurora-writer-failover", low["registration"])]["sims"][0]
        (event_run,) = [r for r in sim.runs if r.trigger == "RDS-EVENT-0073"]
        self.assertEqual((event_run.summary["registered"], event_run.summary["deregistered"]),
                         (["10.0.2.12"], ["10.0.1.11"]))
        self.assertLess(event_run.ended - event_run.started, sim.service["timeout"])

    def test_multi_az_events_lost_is_correct_within_a_schedule_interval(self):
        for check, holds, detail in simulate.checks(self.results):
            if check.startswith("Multi-AZ"):
                self.assertTrue(holds, f"{check}: {detail}")

    def test_deterministic(self):
        again = simulate.simulate(yaml.safe_load(Path(os.environ["FAILOVER_TEMPLATE"]).read_text()),
                                  {"aurora-writer-failover"}, phases=(0, 30))
        self.assertEqual([r["entry"] for r in again],
                         [r["entry"] for r in self.results if r["entry"]["name"] == "aurora-writer-failover"])

    def test_table_says_it_is_a_model(self):
        self.assertIn("aurora-writer-failover", simulate.table(self.results))


if __name__ == "__main__":
    unittest.main()
