from scopelint.cli import main

main()
