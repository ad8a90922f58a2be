from tsunagu.cli import main

main()
