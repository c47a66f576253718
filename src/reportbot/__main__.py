from reportbot.cli import main

raise SystemExit(main())
