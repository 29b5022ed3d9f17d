from coach.synth.cli import main

raise SystemExit(main())
