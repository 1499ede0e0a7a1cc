from scopelint.program import run

run()
