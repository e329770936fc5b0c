# Runs the README's batch example: export trace.json with a causal mask over Chinese text, then
# let scripts/check_trace.py recompute every weight and the output from the JSON alone.
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${ATTNVIZ} --example nlp-zh --heads 8 --mask causal --export ${OUT}
                        --format json
                RESULT_VARIABLE exported)
if(NOT exported EQUAL 0)
  message(FATAL_ERROR "attnviz --export failed: ${exported}")
endif()
execute_process(COMMAND ${PYTHON} ${SCRIPT} ${OUT}/trace.json RESULT_VARIABLE checked)
if(NOT checked EQUAL 0)
  message(FATAL_ERROR "check_trace.py found a difference: ${checked}")
endif()
