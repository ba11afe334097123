from readylint.cli import main

main()
