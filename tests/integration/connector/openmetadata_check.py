"""Parse connector outputs with OpenMetadata's own published models (the generated
pydantic models of its specification in `openmetadata-ingestion`, pinned in
scripts/requirements-openmetadata.txt), strictly: the models forbid unknown fields.

stdin: a JSON array of [model, document]; prints a JSON array of null (parsed) or the
validation error, one per document.

The package's `metadata/__init__.py` wires up its whole ingestion framework (and imports
dependencies installed only with the full package); the generated models need none of it,
so `metadata` is registered as a bare namespace over the installed folder and only the
model modules are imported."""
import importlib.util, json, sys, types

spec = importlib.util.find_spec("metadata")
package = types.ModuleType("metadata")
package.__path__ = list(spec.submodule_search_locations)
sys.modules["metadata"] = package

from metadata.generated.schema.api.data.createTable import CreateTableRequest  # noqa: E402
from metadata.generated.schema.api.data.createTableProfile import (  # noqa: E402
    CreateTableProfileRequest,
)
from metadata.generated.schema.entity.data.table import ColumnProfile, TableProfile  # noqa: E402
from metadata.generated.schema.entity.services.connections.testConnectionResult import (  # noqa: E402
    TestConnectionResult,
)
from metadata.generated.schema.type.tagLabel import TagLabel  # noqa: E402

MODELS = {
    "CreateTableRequest": CreateTableRequest,
    "CreateTableProfileRequest": CreateTableProfileRequest,
    "TableProfile": TableProfile,
    "ColumnProfile": ColumnProfile,
    "TagLabel": TagLabel,
    "TestConnectionResult": TestConnectionResult,
}

answers = []
for model, document in json.load(sys.stdin):
    try:
        MODELS[model].model_validate(document, strict=False)
        answers.append(None)
    except Exception as e:  # a validation error names the field at fault
        answers.append(str(e))
print(json.dumps(answers))
