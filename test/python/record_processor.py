#!/usr/bin/env python3
"""A KCL record processor in Python (amazon_kclpy), run by the MultiLangDaemon: one process per shard.

Stdout belongs to the daemon's protocol, so each record processed is appended as a line to the file that the
environment variable KCLPY_OUTPUT names: ``PROCESSED <shard id> <sequence number> <sub-sequence number> <data>``,
and after each successful checkpoint ``CHECKPOINTED <shard id> <sequence number> <sub-sequence number>``.
"""

import os
import sys

from amazon_kclpy import kcl
from amazon_kclpy.v3 import processor


class RecordProcessor(processor.RecordProcessorBase):
    def __init__(self, output):
        self._output = output
        self._shard_id = None
        self._last = None

    def _write(self, line):
        # One write per line, in append mode: the processes of all shards share the file.
        os.write(self._output, (line + "\n").encode("utf-8"))

    def initialize(self, initialize_input):
        self._shard_id = initialize_input.shard_id
        self._write("INITIALIZED {} {}".format(self._shard_id, initialize_input.sequence_number))

    def process_records(self, process_records_input):
        for record in process_records_input.records:
            data = record.binary_data.decode("utf-8")
            self._write(
                "PROCESSED {} {} {} {}".format(
                    self._shard_id, record.sequence_number, record.sub_sequence_number, data
                )
            )
            self._last = (record.sequence_number, record.sub_sequence_number)
        if process_records_input.records:
            self._checkpoint(process_records_input.checkpointer)

    def lease_lost(self, lease_lost_input):
        self._write("LEASE LOST {}".format(self._shard_id))

    def shard_ended(self, shard_ended_input):
        self._checkpoint(shard_ended_input.checkpointer)

    def shutdown_requested(self, shutdown_requested_input):
        self._checkpoint(shutdown_requested_input.checkpointer)

    def _checkpoint(self, checkpointer):
        try:
            checkpointer.checkpoint()
        except kcl.CheckpointError as error:
            self._write("CHECKPOINT FAILED {} {}".format(self._shard_id, error.value))
            return
        if self._last is not None:
            self._write("CHECKPOINTED {} {} {}".format(self._shard_id, *self._last))


if __name__ == "__main__":
    output = os.open(os.environ["KCLPY_OUTPUT"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    kcl.KCLProcess(RecordProcessor(output)).run()
    sys.exit(0)
