"""A tiny DAG for the e2e seed: its runs must survive schema moves."""
import datetime

try:
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.x
    from airflow import DAG
try:
    from airflow.providers.standard.operators.empty import EmptyOperator
except ImportError:  # Airflow 2.x
    from airflow.operators.empty import EmptyOperator

with DAG("e2e_tiny", schedule=None, start_date=datetime.datetime(2024, 1, 1), catchup=False):
    EmptyOperator(task_id="noop")
