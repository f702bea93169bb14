// A platform's form page: react-jsonschema-form with its 2020-12 validator draws a
// connector schema as a stock renderer does, with what docs/forms.md asks of a renderer:
// an input marked `x-widget: json` (a structure holding values of any type) gets a JSON
// editor, here a text area whose text is parsed as JSON; and an optional input is left
// out until the user fills it (rjsf's documented default-state options), so that an
// untouched optional list or object is not sent as an empty one.
import React, { useState } from "react";
import { createRoot } from "react-dom/client";
import Form from "@rjsf/core";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020";

const validator = customizeValidator({ AjvClass: Ajv2020 });

function JsonEditor(props) {
  const { fieldPathId, formData, onChange, schema, required } = props;
  const [text, setText] = useState(formData === undefined ? "" : JSON.stringify(formData));
  const id = fieldPathId.$id;
  return (
    <div className="form-group field field-json">
      <label htmlFor={id}>{schema.title}{required ? "*" : ""}</label>
      <textarea
        id={id}
        rows={3}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          let value;
          try {
            value = event.target.value.trim() === "" ? undefined : JSON.parse(event.target.value);
          } catch (_) {
            value = event.target.value;
          }
          onChange(value, fieldPathId.path);
        }}
      />
      <p className="field-description">{schema.description}</p>
    </div>
  );
}

// Defaults only where the schema gives one: no empty object or list for an optional input.
const DEFAULTS = {
  arrayMinItems: { populate: "requiredOnly" },
  emptyObjectFields: "populateRequiredDefaults",
};

// The UI schema a platform derives from the schema: a JSON editor where `x-widget` asks
// for one, and a yes / no choice for a required boolean (a required checkbox could only be
// sent checked).
function uiSchemaOf(schema) {
  const ui = {};
  const required = schema.required || [];
  for (const [key, property] of Object.entries(schema.properties || {})) {
    if (property["x-widget"] === "json") {
      ui[key] = { "ui:field": "json", "ui:fieldReplacesAnyOrOneOf": true };
    } else if (property.type === "boolean" && required.includes(key)) {
      ui[key] = { "ui:widget": "radio" };
    }
  }
  return ui;
}

window.render = (schema, formData) =>
  new Promise((drawn) => {
    window.submitted = undefined;
    window.submitErrors = undefined;
    const root = createRoot(document.getElementById("form"));
    root.render(
      <Form
        schema={schema}
        uiSchema={uiSchemaOf(schema)}
        formData={formData}
        validator={validator}
        fields={{ json: JsonEditor }}
        experimental_defaultFormStateBehavior={DEFAULTS}
        onSubmit={({ formData }) => { window.submitted = formData; }}
        onError={(errors) => { window.submitErrors = errors.map((e) => e.stack); }}
      />,
    );
    requestAnimationFrame(() => setTimeout(drawn, 50));
  });
