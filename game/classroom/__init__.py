"""Classroom play in the game: a trainee's run reported to the trainer's server, and scripted trainees."""
