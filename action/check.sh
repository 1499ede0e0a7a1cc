#!/usr/bin/env bash
# The check step of action.yml: run `scopelint check` with the action's inputs (SCOPELINT_* variables), write the
# SARIF report, add the Markdown summary to $GITHUB_STEP_SUMMARY, and record the exit code and SARIF path as step
# outputs. It exits 0 so that the SARIF upload runs; the action's last step fails with the recorded exit code.
set -uo pipefail

sarif="${SCOPELINT_SARIF:-scopelint.sarif}"
mkdir -p "$(dirname "$sarif")"
summary="$(mktemp "${RUNNER_TEMP:-/tmp}/scopelint-summary.XXXXXX")"
read -r -a paths <<< "${SCOPELINT_PATHS:-.}"
read -r -a extra <<< "${SCOPELINT_ARGS:-}"
options=()
if [ "${SCOPELINT_STRICT:-false}" = "true" ]; then
  options+=(--strict)
fi
if [ -n "${SCOPELINT_FAIL_LEVEL:-}" ]; then
  options+=(--fail-level "$SCOPELINT_FAIL_LEVEL")
fi

# Reports go to files; the console gets the human-readable report and, under GitHub Actions, the annotations.
scopelint check "${options[@]}" "${extra[@]}" \
  --format sarif --output "$sarif" --format markdown --output "$summary" -- "${paths[@]}"
code=$?

if [ "${SCOPELINT_SUMMARY:-true}" = "true" ] && [ -s "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
rm -f "$summary"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
  if [ -s "$sarif" ]; then
    echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
  fi
fi
exit 0
