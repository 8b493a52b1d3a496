"""A third-party Marathon client (Debian's python3-marathon) drives `stateful-ops mock serve`.

Usage: marathon-python-client.py <marathon-url> <expected-marathon-version>
Each step asserts the answer the client decoded; the last line printed is a JSON summary.
Any exception (a key the client does not know, a wrong status) fails the run with a traceback.
"""
import json
import sys

from marathon import MarathonClient, NotFoundError
from marathon.models import MarathonApp
from marathon.models.container import MarathonContainer, MarathonContainerVolume

url, expected_version = sys.argv[1], sys.argv[2]
client = MarathonClient(url)
summary = {}

info = client.get_info()
assert info.version == expected_version, info.version
assert info.framework_id, 'no frameworkId'
assert info.marathon_config.mesos_role == 'slave_public', info.marathon_config.mesos_role
summary['info'] = {'version': info.version, 'framework_id': info.framework_id}

APP_ID = '/contract/pg'
app = MarathonApp(
    cmd='exec postgres',
    cpus=0.1,
    mem=32,
    instances=1,
    container=MarathonContainer(
        type='DOCKER',
        docker={'image': 'postgres:9.6'},
        volumes=[MarathonContainerVolume(container_path='pgdata', mode='RW', persistent={'size': 64})],
    ),
    upgrade_strategy={'minimumHealthCapacity': 0.5, 'maximumOverCapacity': 0},
)
created = client.create_app(APP_ID, app)
assert created is not False, 'create_app did not answer 201'
assert created.id == APP_ID, created.id
assert created.instances == 1, created.instances
assert len(created.deployments) == 1, created.deployments
summary['created'] = {'id': created.id, 'deployments': len(created.deployments)}

tasks = client.list_tasks(APP_ID)
assert len(tasks) == 1, tasks
assert tasks[0].started_at is not None, 'the created task is not running'
assert len(tasks[0].local_volumes) == 1, tasks[0].local_volumes

scaled = client.scale_app(APP_ID, instances=2)
assert 'deploymentId' in scaled, scaled
tasks = client.list_tasks(APP_ID)
assert len(tasks) == 2, tasks
assert all(t.staged_at is not None for t in tasks), 'a scaled-up task is not launched'
summary['scaled_up'] = len(tasks)

down = client.scale_app(APP_ID, instances=1)
assert 'deploymentId' in down, down
tasks = client.list_tasks(APP_ID)
waiting = [t for t in tasks if t.staged_at is None and t.local_volumes]
assert len(tasks) == 2 and len(waiting) == 1, [(t.id, t.staged_at) for t in tasks]
summary['waiting'] = waiting[0].id

try:
    killed = client.kill_task(APP_ID, waiting[0].id, wipe=True)
    assert killed.id == waiting[0].id, killed.id
    summary['wiped'] = killed.id
except TypeError as e:
    # Marathon 1.4-1.5 answer the app kill endpoints with their internal instance JSON (instanceId, agentInfo,
    # tasksMap, ...), which this client cannot decode into a task: the wipe happened, the answer is unreadable.
    assert expected_version.startswith('1.4.'), e
    assert 'instance_id' in str(e), e
    summary['wiped'] = 'undecodable-instance-json'
remaining = client.list_tasks(APP_ID)
assert [t.id for t in remaining if t.id == waiting[0].id] == [], 'the wiped task is still listed'
assert len(remaining) == 1, remaining
summary['after_wipe'] = len(remaining)

deleted = client.delete_app(APP_ID)
assert 'deploymentId' in deleted, deleted
try:
    client.get_app(APP_ID)
    raise AssertionError('the deleted app is still there')
except NotFoundError:
    pass
summary['deleted'] = True

print(json.dumps(summary))
