"""The JSON layout of the detection/segmentation count files (ssdlite.py, deeplabv3.py): header
fields, then one object per model with one field per line and each state-dict row on a line of its
own, so that a regenerated file diffs line by line."""

import json


def write_counts(path, header, models):
    """Writes {**header, "models": models} to `path` in that layout."""
    lines = ["{"]
    for k, v in header.items():
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    lines.append('  "models": {')
    keys = list(models)
    for i, k in enumerate(keys):
        e = models[k]
        lines.append("    %s: {" % json.dumps(k))
        fields = list(e)
        for j, f in enumerate(fields):
            comma = "," if j < len(fields) - 1 else ""
            if f == "stateDict":
                lines.append('      "stateDict": [')
                for n, row in enumerate(e[f]):
                    lines.append("        %s%s" % (json.dumps(row), "," if n < len(e[f]) - 1 else ""))
                lines.append("      ]%s" % comma)
            else:
                lines.append("      %s: %s%s" % (json.dumps(f), json.dumps(e[f]), comma))
        lines.append("    }%s" % ("," if i < len(keys) - 1 else ""))
    lines.append("  }")
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
