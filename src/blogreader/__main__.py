from blogreader.cli import main

main()
