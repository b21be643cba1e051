"""Print the held-out intent accuracy and macro-F1 from Rasa's intent_report.json."""

import json
import sys
from pathlib import Path


def main(report_path: str) -> int:
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    intents = {
        k: v
        for k, v in report.items()
        if isinstance(v, dict)
        and "f1-score" in v
        and k not in {"macro avg", "weighted avg", "micro avg"}
    }
    accuracy = report.get("accuracy", report.get("micro avg", {}).get("f1-score"))
    print(
        f"Held-out NLU: accuracy {accuracy:.1%}, macro-F1 {report['macro avg']['f1-score']:.3f}, "
        f"{report['macro avg']['support']} examples, {len(intents)} intents"
    )
    for name, scores in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"]):
        print(f"  {name:20s} F1 {scores['f1-score']:.3f}  support {scores['support']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
