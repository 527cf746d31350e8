"""A trainee's turn that goes on until the process is killed (run by test_trainer_crash.py).

Prints "turn <id>" once, then "recorded <seq>" after each decision is stored, so the test knows
what was committed before it kills this process. Stops by itself after a bounded number of choices.
"""

import sys

from trainer import TrainerRecords

MAX_DECISIONS = 5000


def main(db_path: str) -> None:
    records = TrainerRecords.open(db_path)
    session = records.create_session("Crash cohort", "2025-03-14", ["delayed_flight"])
    trainee = records.join_session(session.id, "Ana")
    turn = records.start_turn(trainee.id, "delayed_flight", seed=99)
    print(f"turn {turn.id}", flush=True)
    for seq in range(1, MAX_DECISIONS + 1):
        records.record_decision(turn.id, sim_minute=seq * 0.5, decision_point_id=f"point_{seq}",
                                choice_id=f"choice_{seq}", feedback_key=f"feedback_{seq}", is_mistake=seq % 3 == 0)
        records.record_outcome(turn.id, sim_minute=seq * 0.5, kind="mood", data={"seq": seq})
        print(f"recorded {seq}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
