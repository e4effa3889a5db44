"""Registry service: the system of record for the whole cycle, organised by its steps.

core, people, surveys, programmes, distribution, feedback, outreach, capacity and indicators hold the models and
logic (no Flask, no Celery); web/ holds the blueprints, cli/ the commands; tasks.py the Celery tasks."""
